// The parts of net-snmp (no bundled types) that the trap receiver and `trap send` use.
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }
  export interface ReceiverUser {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }
  export interface Authorizer {
    addCommunity(community: string): void;
    addUser(user: ReceiverUser): void;
  }
  export interface Receiver {
    getAuthorizer(): Authorizer;
    close(callback?: () => void): void;
  }
  export interface DgramLike {
    createSocket(type: string): EventEmitter;
  }
  export interface ReceiverOptions {
    port?: number;
    address?: string;
    transport?: string;
    sockets?: Array<{ transport?: string; address?: string; port?: number }>;
    includeAuthentication?: boolean;
    disableAuthorization?: boolean;
    engineID?: string | Buffer;
    dgramModule?: DgramLike;
  }
  export function createReceiver(
    options: ReceiverOptions,
    callback: (
      error: (Error & { code?: number; name: string }) | null,
      data?: { pdu: Record<string, unknown>; rinfo: unknown }
    ) => void
  ): Receiver;

  export interface Session {
    trap(
      typeOrOid: number | string,
      varbinds: Varbind[] | undefined,
      agentAddrOrOptions: unknown,
      callback: (error?: Error) => void
    ): void;
    inform(typeOrOid: string, varbinds: Varbind[], options: unknown, callback: (error: Error | null) => void): void;
    close(): void;
    on(event: 'error', listener: (error: Error) => void): void;
  }
  export function createSession(target: string, community: string, options?: Record<string, unknown>): Session;
  export function createV3Session(target: string, user: ReceiverUser, options?: Record<string, unknown>): Session;

  export const Version1: number;
  export const Version2c: number;
  export const Version3: number;
  export const TrapType: Record<string, number>;
  export const ObjectType: Record<string, number>;
  export const PduType: Record<string, number>;
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  export const AuthProtocols: Record<string, number>;
  export const PrivProtocols: Record<string, number>;
  export const ResponseInvalidCode: Record<string, number | string>;
  export const Authentication: { authToKeyCache: Record<string, Buffer> };
}
