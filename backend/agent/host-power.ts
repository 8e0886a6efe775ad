/**
 * Shutting this machine down or rebooting it, for the last resort of a recovery ladder or the
 * losing side of a partition: through systemd, so services stop in order and the journal is
 * flushed. Detached: the agent is among what systemd stops.
 */
import { spawn } from 'node:child_process';

export function powerDownHost(kind: 'shutdown' | 'reboot'): void {
  spawn('systemctl', [kind === 'shutdown' ? 'poweroff' : 'reboot'], { stdio: 'ignore', detached: true }).unref();
}
