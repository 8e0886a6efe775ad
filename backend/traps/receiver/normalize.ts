/**
 * net-snmp PDUs (v1 Trap, v2c/v3 TrapV2 and InformRequest) to one shape, with the PET
 * fields pulled out when the trap is a PET. Pure.
 */
import { PET_DATA_OID, PET_ENTERPRISE_OID, specificFromTrapOid } from '../pet';

export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
export const SYS_UPTIME_OID = '1.3.6.1.2.1.1.3.0';

export interface Varbind {
  oid: string;
  type: number;
  value: unknown;
}

export interface NormalizedTrap {
  version: 'v1' | 'v2c' | 'v3';
  inform: boolean;
  /** v1: enterprise.0.specific for enterprise-specific traps (RFC 3584); v2c/v3: snmpTrapOID.0. */
  trapOid: string;
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  varbinds: Varbind[];
  /** Present when the trap is an IPMI Platform Event Trap. */
  pet?: { specific: number; data?: Buffer };
}

interface NetSnmpPdu {
  type: number;
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  varbinds?: Varbind[];
}

const PDU_TRAP_V1 = 164;
const PDU_INFORM = 166;

export function normalizePdu(pdu: NetSnmpPdu, version: number): NormalizedTrap {
  const varbinds = Array.isArray(pdu.varbinds) ? pdu.varbinds : [];
  const v = version === 0 ? 'v1' : version === 1 ? 'v2c' : 'v3';
  const dataVarbind = varbinds.find((vb) => vb.oid === PET_DATA_OID);
  const data = Buffer.isBuffer(dataVarbind?.value) ? (dataVarbind!.value as Buffer) : undefined;
  if (pdu.type === PDU_TRAP_V1) {
    const enterprise = String(pdu.enterprise ?? '');
    const generic = Number(pdu.generic ?? 0);
    const specific = Number(pdu.specific ?? 0);
    const trapOid = generic === 6 ? `${enterprise}.0.${specific}` : `1.3.6.1.6.3.1.1.5.${generic + 1}`;
    const isPet = generic === 6 && enterprise === PET_ENTERPRISE_OID;
    return {
      version: v,
      inform: false,
      trapOid,
      enterprise,
      agentAddr: pdu.agentAddr,
      generic,
      specific,
      varbinds,
      pet: isPet ? { specific, data } : undefined,
    };
  }
  const trapOidVarbind = varbinds.find((vb) => vb.oid === SNMP_TRAP_OID);
  const trapOid = typeof trapOidVarbind?.value === 'string' ? trapOidVarbind.value : '';
  const specific = trapOid ? specificFromTrapOid(trapOid) : undefined;
  return {
    version: v,
    inform: pdu.type === PDU_INFORM,
    trapOid,
    varbinds: varbinds.filter((vb) => vb.oid !== SNMP_TRAP_OID && vb.oid !== SYS_UPTIME_OID),
    pet: specific !== undefined ? { specific, data } : undefined,
  };
}

/** Varbinds as JSON-friendly values (OCTET STRINGs as text when printable, else hex). */
export function varbindsForLog(
  varbinds: Varbind[]
): Array<{ oid: string; type: number; value: string | number | null }> {
  return varbinds.slice(0, 64).map((vb) => ({ oid: vb.oid, type: vb.type, value: printable(vb.value) }));
}

function printable(value: unknown): string | number | null {
  if (Buffer.isBuffer(value)) {
    const text = value.toString('latin1');
    return /^[\x20-\x7e\t\r\n]*$/.test(text)
      ? text.slice(0, 1024)
      : 'hex:' + value.toString('hex', 0, Math.min(value.length, 1024));
  }
  if (typeof value === 'number' || typeof value === 'string') {
    return value;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  return value === null || value === undefined ? null : String(value);
}
