/**
 * How heartbeats leave and arrive, as far as the core is concerned. Production uses one
 * UDP socket per LAN interconnect (udp-transport.ts); the simulation delivers packets
 * through an in-memory network on a virtual clock. Like memberlist's Transport, it is
 * deliberately small: fire-and-forget datagrams, addressed by interconnect and server name.
 */

export interface TransportSink {
  /**
   * A datagram arrived on LAN interconnect `interconnect` from `fromAddress` (the IP source
   * address, which the core compares with the sender's configured address).
   */
  receive(interconnect: number, packet: Uint8Array, fromAddress: string): void;
  /** The operating system refused to send a datagram (for example: no route to host). */
  sendFailed(interconnect: number, peer: string, error: string): void;
}

export interface Transport {
  /** The core registers itself as the one receiver of inbound datagrams and send failures. */
  attach(sink: TransportSink): void;
  /**
   * Sends one datagram to `peer`'s address on LAN interconnect `interconnect`. Never throws
   * and never blocks: heartbeats are best effort by nature, and a failure is reported
   * through `sendFailed` (possibly later).
   */
  send(interconnect: number, peer: string, packet: Uint8Array): void;
}
