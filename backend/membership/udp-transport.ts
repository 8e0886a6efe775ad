/**
 * The production Transport: one UDP socket per LAN interconnect, bound to this server's
 * address on that interconnect and the interconnect's port. Binding to the interconnect's
 * own address (not 0.0.0.0) makes the source address of every heartbeat the configured
 * one, which receivers check, and keeps heartbeats of one interconnect off the others.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { LanInterconnect, Topology } from './topology';
import type { Transport, TransportSink } from './transport';

export interface BoundSocket {
  interconnect: number;
  address: string;
  port: number;
}

const HINTS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use on this address (another agent, or a previous one still running?)',
  EADDRNOTAVAIL: 'the address is not assigned to any interface of this host',
  EACCES: 'permission denied (ports below 1024 need privileges)',
};

export class HeartbeatBindError extends Error {
  constructor(
    readonly interconnect: number,
    readonly address: string,
    readonly port: number,
    readonly code: string | undefined,
    cause: Error
  ) {
    const where = isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
    const hint = (code && HINTS[code]) ?? cause.message;
    super(`cannot bind the heartbeat socket of interconnect ${interconnect} to ${where}: ${hint} (${code ?? 'error'})`);
    this.name = 'HeartbeatBindError';
  }
}

/** Closes a socket that may already be closed (close() throws then). */
function closeQuietly(socket: dgram.Socket, done: () => void = () => {}): void {
  try {
    socket.close(done);
  } catch {
    done();
  }
}

export class UdpTransport implements Transport {
  private readonly sockets = new Map<number, dgram.Socket>();
  private sink: TransportSink | null = null;

  constructor(
    private readonly topology: Topology,
    /** Socket errors after binding (rare for UDP: send errors arrive per datagram). */
    private readonly onSocketError: (interconnect: number, error: Error) => void = () => {}
  ) {}

  attach(sink: TransportSink): void {
    this.sink = sink;
  }

  /** Binds every socket, or none: on the first failure the others are closed again. */
  async open(): Promise<BoundSocket[]> {
    try {
      for (const ic of this.topology.lan) {
        this.sockets.set(ic.index, await this.bind(ic));
      }
    } catch (e) {
      await this.close();
      throw e;
    }
    return this.topology.lan.map((ic) => ({ interconnect: ic.index, address: ic.localAddress, port: ic.port }));
  }

  private bind(ic: LanInterconnect): Promise<dgram.Socket> {
    const socket = dgram.createSocket({ type: isIPv6(ic.localAddress) ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const failed = (e: NodeJS.ErrnoException) => {
        closeQuietly(socket);
        reject(new HeartbeatBindError(ic.index, ic.localAddress, ic.port, e.code, e));
      };
      socket.once('error', failed);
      socket.bind({ address: ic.localAddress, port: ic.port, exclusive: true }, () => {
        socket.off('error', failed);
        socket.on('error', (e) => this.onSocketError(ic.index, e));
        socket.on('message', (msg, rinfo) => this.sink?.receive(ic.index, msg, rinfo.address));
        resolve(socket);
      });
    });
  }

  send(interconnect: number, peer: string, packet: Uint8Array): void {
    const socket = this.sockets.get(interconnect);
    const ic = this.topology.lan.find((l) => l.index === interconnect);
    const address = ic?.peers.get(peer);
    if (socket === undefined || ic === undefined || address === undefined) {
      this.sink?.sendFailed(interconnect, peer, 'no socket or address for this path');
      return;
    }
    socket.send(packet, ic.port, address, (err) => {
      if (err) {
        this.sink?.sendFailed(interconnect, peer, (err as NodeJS.ErrnoException).code ?? err.message);
      }
    });
  }

  async close(): Promise<void> {
    const closing = [...this.sockets.values()].map((s) => new Promise<void>((resolve) => closeQuietly(s, resolve)));
    this.sockets.clear();
    await Promise.all(closing);
  }
}
