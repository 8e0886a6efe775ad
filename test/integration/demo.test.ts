import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/paths';

// The README's first quick-start command ends in this script: it must keep working.
test('the demo starts two BMCs and two agents, and a fatal PET fails failover1 over from server1 to server2', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs'), '--once'], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  expect({ code: r.status, out }).toMatchObject({ code: 0 });
  expect(out).toMatch(/server2\s+online/);
  expect(out).toMatch(/mrw1\s+server1\s+error\s+fatal event: drive fault/);
  expect(out).toMatch(/recovery-request recovery requested by mrw1 for server1/);
  expect(out).toMatch(/^ {2}failover1 +online +server1/m); // the status before the trap
  expect(out).toMatch(/recovery for mrw1 on server1: failover #1 of group failover1/);
  expect(out).toMatch(/^failover1 +online +server2 /m); // group list after it
}, 120_000);
