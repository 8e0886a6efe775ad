/**
 * Whether an inbound datagram is a genuine, new heartbeat from a peer, and if not, why not.
 * Each refusal has one reason (a metric label), checked in this order:
 *
 *   malformed, wrong_cluster, bad_mac  the codec (codec.ts)
 *   from_self        our own name: a loop, or another agent configured with our name
 *   unknown_sender   authentic but not in our server list: configurations differ
 *   misrouted        addressed to another server, or the interconnect or source address
 *                    differs from the configuration (packet on the wrong network)
 *   old_incarnation  from an earlier start of the sender: the sender restarted since, so
 *                    this is a replay (or a very late packet) and must not revive it
 *   replayed         sequence already seen on this path
 *   stale            sequence older than the replay window, or a packet that, judging by
 *                    the newest sequence heard from the sender on any path, was sent a
 *                    heartbeat timeout or more ago (see below)
 *
 * The age test closes the gap the replay window leaves: a packet captured and withheld on
 * one interconnect (never delivered, so "new" to the window) could otherwise be played
 * back after the sender died and keep it looking alive. Sequences count rounds of
 * `intervalMs`, so a packet `k` rounds behind the newest one, heard `d` ms ago, left the
 * sender about `d + k * intervalMs` ms ago. That uses only our own clock and counts, so it
 * needs no clock synchronisation and does not drift. (It assumes the sender uses our
 * interval, which is in the shared configuration; a sender with a longer one only makes
 * the test more lenient, and a shorter one only affects packets already rounds late.)
 * Packets newer than the newest are not judged this way: a sender legitimately falls behind its schedule (a
 * frozen VM, a muted agent), and refusing it then would lock it out for good. So an attacker
 * who withholds every path of a sender can still play those packets back later; each then
 * extends the sender's apparent life by at most one timeout, and the sender already looked
 * dead while they were withheld.
 *
 * Only an authentic packet is ever compared with per-sender state, so a forger can neither
 * revive a dead server nor push a sender's incarnation or sequence forward.
 */
import { decodeHeartbeat, type Heartbeat } from './codec';
import type { PathTracker } from './path';
import type { Peer } from './peer';
import type { RejectReason } from './types';

export type Admission =
  | {
      ok: true;
      heartbeat: Heartbeat;
      peer: Peer;
      path: PathTracker;
      /** The sender's previous incarnation when this packet shows it restarted. */
      restartedFrom: bigint | null;
    }
  | { ok: false; reason: RejectReason; detail: string };

export interface AdmissionContext {
  cluster: string;
  self: string;
  key: Buffer;
  peers: Map<string, Peer>;
  intervalMs: number;
  timeoutMs: number;
}

function reject(reason: RejectReason, detail: string): Admission {
  return { ok: false, reason, detail };
}

export function admit(
  ctx: AdmissionContext,
  now: number,
  interconnect: number,
  packet: Uint8Array,
  fromAddress: string
): Admission {
  const decoded = decodeHeartbeat(packet, ctx.key, ctx.cluster);
  if (!decoded.ok) {
    return decoded;
  }
  const hb = decoded.heartbeat;
  if (hb.from === ctx.self) {
    return reject('from_self', `a heartbeat signed with our secret names this server "${hb.from}" as its sender`);
  }
  const peer = ctx.peers.get(hb.from);
  if (peer === undefined) {
    return reject('unknown_sender', `sender "${hb.from}" is not in this server's configuration`);
  }
  if (hb.to !== ctx.self) {
    return reject('misrouted', `addressed to "${hb.to}"`);
  }
  if (hb.interconnect !== interconnect) {
    return reject('misrouted', `sent on interconnect ${hb.interconnect}, arrived on ${interconnect}`);
  }
  const path = peer.paths.get(interconnect);
  if (path === undefined) {
    return reject('misrouted', `"${hb.from}" has no path on interconnect ${interconnect}`);
  }
  if (fromAddress !== path.address) {
    return reject(
      'misrouted',
      `from ${fromAddress}, but "${hb.from}" is ${path.address} on interconnect ${interconnect}`
    );
  }
  if (peer.incarnation !== null && hb.incarnation < peer.incarnation) {
    return reject('old_incarnation', `incarnation ${hb.incarnation} is older than ${peer.incarnation}`);
  }
  if (peer.incarnation !== null && hb.incarnation === peer.incarnation) {
    const verdict = path.window.check(hb.seq);
    if (verdict !== 'new') {
      return reject(verdict, `sequence ${hb.seq} of incarnation ${hb.incarnation}`);
    }
    const newest = peer.newest;
    if (newest !== null && hb.seq <= newest.seq) {
      const ageMs = now - newest.at + (newest.seq - hb.seq) * ctx.intervalMs;
      if (ageMs >= ctx.timeoutMs) {
        return reject('stale', `sequence ${hb.seq} was sent about ${Math.round(ageMs)} ms ago`);
      }
    }
    path.window.admit(hb.seq);
    return { ok: true, heartbeat: hb, peer, path, restartedFrom: null };
  }
  // First contact, or a restart: the caller resets the sender's paths, then records the sequence.
  return { ok: true, heartbeat: hb, peer, path, restartedFrom: peer.incarnation };
}
