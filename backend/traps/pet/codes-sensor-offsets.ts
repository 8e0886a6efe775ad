// IPMI v2.0 Table 42-3, right columns: the meaning of the event offset (0-15) when the
// event/reading type is 0x6F "sensor-specific". Keyed by sensor type, then offset.
// Sensor types without sensor-specific offsets (temperature, voltage, fan, ...) are absent;
// tables.ts gives every missing entry an "offset N" fallback.

export const SENSOR_SPECIFIC_OFFSETS: Readonly<Record<number, ReadonlyArray<string | undefined>>> = {
  // Physical Security (Chassis Intrusion)
  0x05: [
    'General Chassis Intrusion',
    'Drive Bay intrusion',
    'I/O Card area intrusion',
    'Processor area intrusion',
    'LAN Leash Lost (system is unplugged from LAN)',
    'Unauthorized dock',
    'FAN area intrusion',
  ],
  // Platform Security Violation Attempt
  0x06: [
    'Secure Mode (Front Panel Lockout) Violation attempt',
    'Pre-boot Password Violation - user password',
    'Pre-boot Password Violation attempt - setup password',
    'Pre-boot Password Violation - network boot password',
    'Other pre-boot Password Violation',
    'Out-of-band Access Password Violation',
  ],
  // Processor
  0x07: [
    'IERR',
    'Thermal Trip',
    'FRB1/BIST failure',
    'FRB2/Hang in POST failure',
    'FRB3/Processor Startup/Initialization failure',
    'Configuration Error',
    'SM BIOS Uncorrectable CPU-complex Error',
    'Processor Presence detected',
    'Processor disabled',
    'Terminator Presence Detected',
    'Processor Automatically Throttled',
    'Machine Check Exception (Uncorrectable)',
    'Correctable Machine Check Error',
  ],
  // Power Supply
  0x08: [
    'Presence detected',
    'Power Supply Failure detected',
    'Predictive Failure',
    'Power Supply input lost (AC/DC)',
    'Power Supply input lost or out-of-range',
    'Power Supply input out-of-range, but present',
    'Configuration error',
    'Power Supply Inactive (in standby state)',
  ],
  // Power Unit
  0x09: [
    'Power Off / Power Down',
    'Power Cycle',
    '240VA Power Down',
    'Interlock Power Down',
    'AC lost / Power input lost',
    'Soft Power Control Failure',
    'Power Unit Failure detected',
    'Predictive Failure',
  ],
  // Memory
  0x0c: [
    'Correctable ECC / other correctable memory error',
    'Uncorrectable ECC / other uncorrectable memory error',
    'Parity',
    'Memory Scrub Failed (stuck bit)',
    'Memory Device Disabled',
    'Correctable ECC / other correctable memory error logging limit reached',
    'Presence detected',
    'Configuration error',
    'Spare',
    'Memory Automatically Throttled',
    'Critical Overtemperature',
  ],
  // Drive Slot (Bay)
  0x0d: [
    'Drive Presence',
    'Drive Fault',
    'Predictive Failure',
    'Hot Spare',
    'Consistency Check / Parity Check in progress',
    'In Critical Array',
    'In Failed Array',
    'Rebuild/Remap in progress',
    'Rebuild/Remap Aborted',
  ],
  // System Firmware Progress (formerly POST Error)
  0x0f: ['System Firmware Error (POST Error)', 'System Firmware Hang', 'System Firmware Progress'],
  // Event Logging Disabled
  0x10: [
    'Correctable Memory Error Logging Disabled',
    'Event Type Logging Disabled',
    'Log Area Reset/Cleared',
    'All Event Logging Disabled',
    'SEL Full',
    'SEL Almost Full',
    'Correctable Machine Check Error Logging Disabled',
  ],
  // Watchdog 1
  0x11: [
    'BIOS Watchdog Reset',
    'OS Watchdog Reset',
    'OS Watchdog Shut Down',
    'OS Watchdog Power Down',
    'OS Watchdog Power Cycle',
    'OS Watchdog NMI / Diagnostic Interrupt',
    'OS Watchdog Expired, status only',
    'OS Watchdog pre-timeout Interrupt, non-NMI',
  ],
  // System Event
  0x12: [
    'System Reconfigured',
    'OEM System Boot Event',
    'Undetermined system hardware failure',
    'Entry added to Auxiliary Log',
    'PEF Action',
    'Timestamp Clock Synch',
  ],
  // Critical Interrupt
  0x13: [
    'Front Panel NMI / Diagnostic Interrupt',
    'Bus Timeout',
    'I/O channel check NMI',
    'Software NMI',
    'PCI PERR',
    'PCI SERR',
    'EISA Fail Safe Timeout',
    'Bus Correctable Error',
    'Bus Uncorrectable Error',
    'Fatal NMI (port 61h, bit 7)',
    'Bus Fatal Error',
    'Bus Degraded',
  ],
  // Button / Switch
  0x14: [
    'Power Button pressed',
    'Sleep Button pressed',
    'Reset Button pressed',
    'FRU latch open',
    'FRU service request button',
  ],
  // Chip Set
  0x19: ['Soft Power Control Failure', 'Thermal Trip'],
  // Cable / Interconnect
  0x1b: [
    'Cable/Interconnect is connected',
    'Configuration Error - Incorrect cable connected / Incorrect interconnection',
  ],
  // System Boot / Restart Initiated
  0x1d: [
    'Initiated by power up',
    'Initiated by hard reset',
    'Initiated by warm reset',
    'User requested PXE boot',
    'Automatic boot to diagnostic',
    'OS / run-time software initiated hard reset',
    'OS / run-time software initiated warm reset',
    'System Restart',
  ],
  // Boot Error
  0x1e: [
    'No bootable media',
    'Non-bootable diskette left in drive',
    'PXE Server not found',
    'Invalid boot sector',
    'Timeout waiting for user selection of boot source',
  ],
  // Base OS Boot / Installation Status
  0x1f: [
    'A: boot completed',
    'C: boot completed',
    'PXE boot completed',
    'Diagnostic boot completed',
    'CD-ROM boot completed',
    'ROM boot completed',
    'boot completed - boot device not specified',
    'Base OS/Hypervisor Installation started',
    'Base OS/Hypervisor Installation completed',
    'Base OS/Hypervisor Installation aborted',
    'Base OS/Hypervisor Installation failed',
  ],
  // OS Stop / Shutdown
  0x20: [
    'Critical stop during OS load / initialization',
    'Run-time Critical Stop',
    'OS Graceful Stop',
    'OS Graceful Shutdown',
    'Soft Shutdown initiated by PEF',
    'Agent Not Responding',
  ],
  // Slot / Connector
  0x21: [
    'Fault Status asserted',
    'Identify Status asserted',
    'Slot/Connector Device installed/attached',
    'Slot/Connector Ready for Device Installation',
    'Slot/Connector Ready for Device Removal',
    'Slot Power is Off',
    'Slot/Connector Device Removal Request',
    'Interlock asserted',
    'Slot is Disabled',
    'Slot holds spare device',
  ],
  // System ACPI Power State (0x0D is not defined)
  0x22: [
    'S0/G0 working',
    'S1 sleeping with system h/w & processor context maintained',
    'S2 sleeping, processor context lost',
    'S3 sleeping, processor & h/w context lost, memory retained',
    'S4 non-volatile sleep / suspend-to-disk',
    'S5/G2 soft-off',
    'S4/S5 soft-off, particular S4/S5 state cannot be determined',
    'G3/Mechanical Off',
    'Sleeping in an S1, S2, or S3 states',
    'G1 sleeping (S1-S4 state cannot be determined)',
    'S5 entered by override',
    'Legacy ON state',
    'Legacy OFF state',
    undefined,
    'Unknown',
  ],
  // Watchdog 2 (offsets 0x04-0x07 are reserved)
  0x23: [
    'Timer expired, status only',
    'Hard Reset',
    'Power Down',
    'Power Cycle',
    undefined,
    undefined,
    undefined,
    undefined,
    'Timer interrupt',
  ],
  // Platform Alert
  0x24: [
    'Platform generated page',
    'Platform generated LAN alert',
    'Platform Event Trap generated',
    'Platform generated SNMP trap, OEM format',
  ],
  // Entity Presence
  0x25: ['Entity Present', 'Entity Absent', 'Entity Disabled'],
  // LAN
  0x27: ['LAN Heartbeat Lost', 'LAN Heartbeat'],
  // Management Subsystem Health
  0x28: [
    'Sensor access degraded or unavailable',
    'Controller access degraded or unavailable',
    'Management controller off-line',
    'Management controller unavailable',
    'Sensor failure',
    'FRU failure',
  ],
  // Battery
  0x29: ['Battery low (predictive failure)', 'Battery failed', 'Battery presence detected'],
  // Session Audit
  0x2a: ['Session Activated', 'Session Deactivated', 'Invalid Username or Password', 'Invalid password disable'],
  // Version Change
  0x2b: [
    'Hardware change detected with associated Entity',
    'Firmware or software change detected with associated Entity',
    'Hardware incompatibility detected with associated Entity',
    'Firmware or software incompatibility detected with associated Entity',
    'Entity is of an invalid or unsupported hardware version',
    'Entity contains an invalid or unsupported firmware or software version',
    'Hardware Change detected with associated Entity was successful',
    'Software or F/W Change detected with associated Entity was successful',
  ],
  // FRU State
  0x2c: [
    'FRU Not Installed',
    'FRU Inactive',
    'FRU Activation Requested',
    'FRU Activation In Progress',
    'FRU Active',
    'FRU Deactivation Requested',
    'FRU Deactivation In Progress',
    'FRU Communication Lost',
  ],
};
