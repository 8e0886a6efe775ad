// Code tables of the PET variable binding itself (PET spec v1.0, Table 3): event severity,
// trap/event source type, plus names for manufacturer (IANA enterprise) IDs that BMCs commonly
// send. Names are for people; the raw codes are always reported too.

/** Event severity (byte 26). Each defined value is a single bit. */
export const SEVERITY_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Unspecified',
  0x01: 'Monitor',
  0x02: 'Information',
  0x04: 'OK',
  0x08: 'Non-critical',
  0x10: 'Critical',
  0x20: 'Non-recoverable',
};

export const SEVERITY = {
  UNSPECIFIED: 0x00,
  MONITOR: 0x01,
  INFORMATION: 0x02,
  OK: 0x04,
  NON_CRITICAL: 0x08,
  CRITICAL: 0x10,
  NON_RECOVERABLE: 0x20,
} as const;

/**
 * Trap source type (byte 24) and event source type (byte 25) share one table: the value's
 * upper five bits select a class of 8 codes (0x20-0x27 = IPMI, ...); 0x60-0xFF are reserved.
 */
export const SOURCE_TYPE_CLASSES: readonly string[] = [
  'Platform Firmware (e.g. BIOS)', // 0x00-0x07
  'SMI Handler', // 0x08-0x0F
  'ISV System Management Software', // 0x10-0x17
  'Alert ASIC', // 0x18-0x1F
  'IPMI', // 0x20-0x27
  'BIOS Vendor', // 0x28-0x2F
  'System Board Set Vendor', // 0x30-0x37
  'System Integrator', // 0x38-0x3F
  'Third Party Add-in', // 0x40-0x47
  'OSV', // 0x48-0x4F
  'NIC', // 0x50-0x57
  'System Management Card', // 0x58-0x5F
];

/** Manufacturer IDs (IANA private enterprise numbers) seen from server BMCs. */
export const MANUFACTURER_NAMES: Readonly<Record<number, string>> = {
  2: 'IBM',
  11: 'Hewlett-Packard',
  42: 'Sun Microsystems',
  111: 'Oracle',
  116: 'Hitachi',
  119: 'NEC',
  343: 'Intel',
  674: 'Dell',
  2011: 'Huawei',
  5771: 'Cisco',
  6653: 'Tyan',
  7244: 'Quanta',
  10368: 'Fujitsu Siemens',
  10876: 'Supermicro',
  19046: 'Lenovo',
  20301: 'IBM',
};
