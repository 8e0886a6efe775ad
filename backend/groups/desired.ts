/**
 * The cluster's desired state: which groups should be running. Automatic groups should,
 * unless an operator stopped them; other groups should once an operator started them. The
 * operators' word is the only part that is not in the configuration, so it travels in
 * every heartbeat (membership codec, version 3) as a revision and two group lists, and every
 * agent keeps the newest revision it has heard. Whichever server decides therefore knows
 * what should run, even when the server that stopped a group (a partition loser, a stalled
 * or killed agent, a move that failed halfway) is gone: a wanted group that runs nowhere is
 * started again through the normal claim path (controller.ts).
 *
 * Revisions are numbered like claim epochs (claims.ts): only the decider changes the state,
 * each change is above every revision it has heard, and the low bits carry its position, so
 * two deciders across a view change never issue the same revision; the newer one wins.
 */
import type { ClusterConfig } from '../config/model';
import type { DesiredSummary } from '../membership';
import { nextEpoch } from './claims';

/**
 * `revision` 0: no operator has decided anything yet (the configuration alone says what
 * runs); `stopped`: groups an operator stopped (automatic or not), they stay stopped;
 * `started`: groups an operator started, they should run even if not automatic.
 */
export type DesiredState = DesiredSummary;

export type OperatorWord = 'started' | 'stopped' | 'none';

export const CONFIGURED: DesiredState = { revision: 0, stopped: [], started: [] };

/** The groups that should run now: automatic ones not stopped by an operator, and those an operator started. */
export function wantedGroups(config: Pick<ClusterConfig, 'groups'>, state: DesiredState): string[] {
  const stopped = new Set(state.stopped);
  const started = new Set(state.started);
  return config.groups.filter((g) => (g.autoStart && !stopped.has(g.name)) || started.has(g.name)).map((g) => g.name);
}

export class DesiredBook {
  private state: DesiredState = CONFIGURED;

  current(): DesiredState {
    return this.state;
  }

  /** A peer's announced state: adopted when newer. Returns whether it was. */
  see(other: DesiredState | null | undefined): boolean {
    if (!other || other.revision <= this.state.revision) {
      return false;
    }
    this.state = { revision: other.revision, stopped: [...other.stopped], started: [...other.started] };
    return true;
  }

  /** What the operators last said of `group`: started, stopped, or nothing (the configuration decides). */
  wordOn(group: string): OperatorWord {
    return this.state.stopped.includes(group) ? 'stopped' : this.state.started.includes(group) ? 'started' : 'none';
  }

  /**
   * Records an operator's word on `group` (`none` takes a word back), decided by the server
   * at `position`. Returns whether the state changed (then it is announced).
   */
  decide(group: string, word: OperatorWord, position: number): boolean {
    if (this.wordOn(group) === word) {
      return false;
    }
    const others = (list: string[]) => list.filter((g) => g !== group);
    this.state = {
      revision: nextEpoch(this.state.revision, position),
      stopped: word === 'stopped' ? [...others(this.state.stopped), group] : others(this.state.stopped),
      started: word === 'started' ? [...others(this.state.started), group] : others(this.state.started),
    };
    return true;
  }
}
