import fs from 'node:fs';
import path from 'node:path';
import { validateConfigText, type ClusterConfig } from '../../../backend/config/model';
import { diffConfig } from '../../../backend/reconfig/changes';
import { effectiveConfig, needsEveryServer, planReconfiguration } from '../../../backend/reconfig/plan';

const seed = (): ClusterConfig => {
  const v = validateConfigText(fs.readFileSync(path.join(__dirname, '../../../examples/seed-cluster.yaml'), 'utf8'));
  if (!v.ok) {
    throw new Error('the seed example does not validate');
  }
  return v.config;
};

const held = (names: string[]) => (g: string) => names.includes(g);

describe('diffConfig', () => {
  test('no change, no difference', () => {
    expect(diffConfig(seed(), seed())).toEqual([]);
  });

  test('named items are reported by name, settings by path with old and new value', () => {
    const a = seed();
    const b = seed();
    b.cluster.heartbeat.timeoutMs = a.cluster.heartbeat.timeoutMs + 1000;
    b.monitors = [...b.monitors, { ...b.monitors[0], name: 'extra' }];
    b.groups = b.groups.slice(1);
    const changes = diffConfig(a, b);
    expect(changes).toContainEqual({
      area: 'cluster',
      path: 'cluster.heartbeat.timeoutMs',
      summary: `cluster.heartbeat.timeoutMs ${a.cluster.heartbeat.timeoutMs} -> ${b.cluster.heartbeat.timeoutMs}`,
    });
    expect(changes).toContainEqual(
      expect.objectContaining({
        area: 'monitors',
        summary: 'monitor extra added',
        item: { name: 'extra', kind: 'added' },
      })
    );
    expect(changes).toContainEqual(
      expect.objectContaining({ area: 'groups', path: 'groups[0]', summary: `group ${a.groups[0].name} removed` })
    );
  });

  test('a secret reference is only said to have changed', () => {
    const a = seed();
    const b = seed();
    b.cluster.secret = { file: '/elsewhere/secret' };
    expect(diffConfig(a, b)).toEqual([{ area: 'cluster', path: 'cluster.secret', summary: 'cluster.secret changed' }]);
  });
});

describe('planReconfiguration', () => {
  test('restart-only parts keep their value at start and are reported; the rest applies', () => {
    const boot = seed();
    const next = seed();
    next.servers[1].api.port = boot.servers[1].api.port + 1;
    next.monitors[0].intervalMs = boot.monitors[0].intervalMs + 1000;
    const plan = planReconfiguration({ boot, running: boot, next, held: held([]) });
    expect(plan.effective.servers).toEqual(boot.servers);
    expect(plan.effective.monitors).toEqual(next.monitors);
    expect(plan.report.applied.map((c) => c.area)).toEqual(['monitors']);
    expect(plan.report.restartRequired).toEqual([
      expect.objectContaining({
        area: 'servers',
        path: 'servers[1]',
        summary: `server ${boot.servers[1].name} changed (api)`,
      }),
    ]);
  });

  test('a change of a group running here waits for its next start; one removed while running is stopped', () => {
    const twoGroups = () => {
      const c = seed();
      c.groups = [c.groups[0], { ...c.groups[0], name: 'second' }];
      return c;
    };
    const boot = twoGroups();
    const [g0, g1] = boot.groups.map((g) => g.name);
    const next = twoGroups();
    next.groups[0].autoFailback = !boot.groups[0].autoFailback;
    next.groups = [next.groups[0]];
    const plan = planReconfiguration({ boot, running: boot, next, held: held([g0, g1]) });
    expect(plan.report.atNextStart).toEqual([
      expect.objectContaining({
        area: 'groups',
        summary: expect.stringContaining(`group ${g0} changed (autoFailback)`),
      }),
    ]);
    expect(plan.report.applied).toEqual([
      expect.objectContaining({ area: 'groups', summary: `group ${g1} removed: stopped here` }),
    ]);
    // Not held here: applied at once.
    const idle = planReconfiguration({ boot, running: boot, next, held: held([]) });
    expect(idle.report.atNextStart).toEqual([]);
    expect(idle.report.applied).toHaveLength(2);
  });

  test('a restart-only change undone by a later revision no longer waits for a restart', () => {
    const boot = seed();
    const changed = seed();
    changed.interconnects = changed.interconnects.slice(0, 1);
    const first = planReconfiguration({ boot, running: boot, next: changed, held: held([]) });
    expect(first.report.restartRequired.map((c) => c.area)).toContain('interconnects');
    const back = planReconfiguration({ boot, running: first.effective, next: seed(), held: held([]) });
    expect(back.report).toEqual({ applied: [], atNextStart: [], restartRequired: [] });
  });

  test('the effective configuration leaves an optional restart-only part out when it was out at start', () => {
    const boot = seed();
    delete (boot as Partial<ClusterConfig>).watchdog;
    const next = seed();
    next.watchdog = { device: '/dev/watchdog', timeoutMs: 10_000 };
    expect(effectiveConfig(boot, next).watchdog).toBeUndefined();
  });
});

test('a heartbeat timing change must reach every server; other changes need not', () => {
  const a = seed();
  const b = seed();
  b.monitors = [];
  expect(needsEveryServer(a, b)).toBeNull();
  b.cluster.heartbeat.intervalMs += 100;
  expect(needsEveryServer(a, b)).toMatch(/cluster.heartbeat/);
});
