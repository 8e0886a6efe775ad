/**
 * What really runs where, kept by the simulated resources themselves (not by any agent's
 * belief): the ground truth the invariants are checked against.
 *
 * - never twice: at no instant are a group's resources active on two hosts;
 * - available: once faults have healed, every automatic group is online on one host
 *   within the stated bound.
 */

export interface Violation {
  at: number;
  kind: 'twice' | 'unavailable';
  group: string;
  detail: string;
}

export class Truth {
  /** group -> host -> number of its resources active there. */
  private readonly active = new Map<string, Map<string, number>>();
  readonly violations: Violation[] = [];
  /** Per group, when it last became active somewhere after being active nowhere. */
  private readonly since = new Map<string, number>();
  starts = 0;

  constructor(private readonly now: () => number) {}

  start(group: string, host: string): void {
    const hosts = this.hosts(group);
    const others = [...hosts.keys()].filter((h) => h !== host);
    if (others.length > 0) {
      this.violations.push({
        at: this.now(),
        kind: 'twice',
        group,
        detail: `${group} started on ${host} while active on ${others.join(', ')}`,
      });
    }
    if (hosts.size === 0) {
      this.since.set(group, this.now());
    }
    hosts.set(host, (hosts.get(host) ?? 0) + 1);
    this.starts++;
  }

  stop(group: string, host: string): void {
    const hosts = this.hosts(group);
    const n = (hosts.get(host) ?? 0) - 1;
    if (n <= 0) {
      hosts.delete(host);
    } else {
      hosts.set(host, n);
    }
  }

  /** Everything on `host` stops (power off, reset). */
  powerOff(host: string): void {
    for (const hosts of this.active.values()) {
      hosts.delete(host);
    }
  }

  activeOn(group: string): string[] {
    return [...this.hosts(group).keys()];
  }

  isActive(group: string, host: string): boolean {
    return this.hosts(group).has(host);
  }

  /** Records `group` as unavailable when it is not active on exactly one host. */
  checkAvailable(group: string, fullyActive: (host: string) => boolean, why: string): void {
    const hosts = this.activeOn(group);
    if (hosts.length !== 1 || !fullyActive(hosts[0])) {
      this.violations.push({
        at: this.now(),
        kind: 'unavailable',
        group,
        detail: `${group} is active on [${hosts.join(', ')}] ${why}`,
      });
    }
  }

  private hosts(group: string): Map<string, number> {
    let m = this.active.get(group);
    if (!m) {
      m = new Map();
      this.active.set(group, m);
    }
    return m;
  }
}
