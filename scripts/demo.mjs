// The quick-start demo. Until the agent lands (heartbeat/API issues) it validates the
// loopback demo cluster and prints its canonical form; it then grows into starting two
// agents on 127.0.0.x with simulated BMCs.
import { spawnSync } from 'node:child_process';

const cli = ['build/backend/cli/main.js'];
const file = 'examples/loopback-demo.yaml';
for (const args of [
  ['config', 'validate', file],
  ['config', 'show', file],
]) {
  console.log(`$ lifeline ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [...cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.exit(r.status ?? 1);
  }
}
