/**
 * The Linux watchdog (softdog or a hardware watchdog, /dev/watchdog): once opened, the
 * kernel resets the host unless something is written to it at least every timeout. The
 * agent pets it while it may hold groups (controller.mayPetWatchdog), so a host whose agent
 * froze, or that had to stop its groups and could not, resets by itself: this is what lets
 * peers take over a silent server without fencing (protection/silence.ts).
 *
 * The device's timeout is set with `wdctl --settimeout` when that tool is there and the
 * device is a character device; writing "V" before closing (the "magic close") disarms it,
 * so a clean agent stop does not reset the host. Writes are non-blocking: a pet must never
 * wait on the device (a FIFO standing in for it in tests must not block the agent either).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export class WatchdogDevice {
  private fd: number | null = null;
  private lastError: string | null = null;

  constructor(
    readonly path: string,
    readonly timeoutMs: number
  ) {}

  /** Opens (arms) the device; throws with the path on failure. */
  open(): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.path);
    } catch (e) {
      throw new Error(`watchdog device ${this.path}: ${(e as Error).message} (load softdog: modprobe softdog)`);
    }
    if (stat.isCharacterDevice()) {
      const seconds = String(Math.max(1, Math.ceil(this.timeoutMs / 1000)));
      spawnSync('wdctl', ['--settimeout', seconds, this.path], { stdio: 'ignore', timeout: 5000 });
    }
    try {
      this.fd = fs.openSync(this.path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    } catch (e) {
      throw new Error(`cannot open the watchdog device ${this.path}: ${(e as Error).message}`);
    }
  }

  /** One pet; false (and the reason kept) when the write failed. */
  pet(): boolean {
    return this.write('1');
  }

  /** Disarms (magic close) and closes: only on a clean stop, with no group held. */
  close(): void {
    if (this.fd === null) {
      return;
    }
    this.write('V');
    try {
      fs.closeSync(this.fd);
    } catch {
      // already gone
    }
    this.fd = null;
  }

  error(): string | null {
    return this.lastError;
  }

  private write(byte: string): boolean {
    if (this.fd === null) {
      return false;
    }
    try {
      fs.writeSync(this.fd, byte);
      this.lastError = null;
      return true;
    } catch (e) {
      this.lastError = (e as Error).message;
      return false;
    }
  }
}
