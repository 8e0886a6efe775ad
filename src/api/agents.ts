/**
 * The ordered agents a console can ask, with what it learnt about them: the last agent
 * that answered is tried first (it is probably still fine, and its answers stay
 * consistent), agents that failed are "dead" for a while and tried only after every other.
 */
export interface AgentEntry {
  index: number;
  url: string;
}

export interface PoolState {
  /** The agent that answered last, or null before any answer. */
  current: number | null;
  /** Agents marked dead and until when (epoch ms). */
  deadUntil: Record<number, number>;
}

export const DEFAULT_DEAD_MS = 15_000;

export class AgentPool {
  readonly agents: AgentEntry[];
  private state: PoolState = { current: null, deadUntil: {} };
  private readonly listeners = new Set<() => void>();

  constructor(
    urls: string[],
    private readonly deadMs = DEFAULT_DEAD_MS,
    private readonly now: () => number = Date.now
  ) {
    this.agents = urls.map((url, index) => ({ index, url }));
  }

  /** The order to try: the last good one, the others as configured, the dead ones last (soonest back first). */
  order(): number[] {
    const t = this.now();
    const dead = (i: number) => (this.state.deadUntil[i] ?? 0) > t;
    const alive = this.agents.map((a) => a.index).filter((i) => !dead(i));
    const current = this.state.current;
    if (current !== null && alive.includes(current)) {
      alive.splice(alive.indexOf(current), 1);
      alive.unshift(current);
    }
    const down = this.agents
      .map((a) => a.index)
      .filter(dead)
      .sort((a, b) => this.state.deadUntil[a] - this.state.deadUntil[b]);
    return [...alive, ...down];
  }

  isDead(index: number): boolean {
    return (this.state.deadUntil[index] ?? 0) > this.now();
  }

  good(index: number): void {
    if (this.state.current === index && this.state.deadUntil[index] === undefined) {
      return;
    }
    const { [index]: _gone, ...deadUntil } = this.state.deadUntil;
    this.set({ current: index, deadUntil });
  }

  bad(index: number): void {
    this.set({
      current: this.state.current === index ? null : this.state.current,
      deadUntil: { ...this.state.deadUntil, [index]: this.now() + this.deadMs },
    });
  }

  snapshot = (): PoolState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(next: PoolState) {
    this.state = next;
    this.listeners.forEach((l) => l());
  }
}
