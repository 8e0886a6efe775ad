/**
 * From the BMC checker's state of a peer to the reading membership weighs (pure).
 *
 * Membership counts a BMC reading only when it was taken after the peer's last heartbeat
 * (server-state.ts). A checker state combines two observations of different ages: the
 * presence ping (every interval) and the chassis power read (every few seconds). The reading
 * therefore carries the time of the OLDER one that matters: a power state read before the
 * LAN fell silent must not confirm "off" or "on" for the silence. A successful power read
 * also proves the BMC answers (some BMCs ignore ASF presence pings but speak RMCP+).
 */
import type { BmcPeerState } from '../bmc';
import type { BmcReading } from '../membership';

export function bmcReading(state: BmcPeerState): BmcReading | null {
  const times = [state.lastPingAt, state.power !== 'unknown' ? state.lastStatusAt : null].filter(
    (t): t is number => t !== null
  );
  if (times.length === 0) {
    return null;
  }
  return {
    reachable: state.reachable || state.power !== 'unknown',
    power: state.power,
    at: Math.min(...times),
  };
}
