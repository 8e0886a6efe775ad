/**
 * Where group resources really run, as files on disk: an exec resource that writes
 * `<dir>/<group>.<server>` (holding its LIFELINE_EVENT and where it came from) on start and
 * removes it on stop. The group tests check these files, not only what the API says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './isolation';

export class Markers {
  readonly dir = tempDir('lifeline-markers-');

  /** An exec resource for `group` that leaves this group's marker while it runs. */
  resource(group: string, name = `${group}-app`) {
    const file = `"${this.dir}/${group}.$LIFELINE_SERVER"`;
    return {
      name,
      type: 'exec',
      start: `echo "$LIFELINE_EVENT from=\${LIFELINE_FROM:-none}" > ${file}`,
      stop: `rm -f ${file}`,
      timeoutMs: 5000,
    };
  }

  /** The servers that run `group`, in name order. */
  running(group: string): string[] {
    return fs
      .readdirSync(this.dir)
      .filter((f) => f.startsWith(`${group}.`))
      .map((f) => f.slice(group.length + 1))
      .sort();
  }

  /** Every `<group>.<server>` running, in name order. */
  all(): string[] {
    return fs.readdirSync(this.dir).sort();
  }

  /** What the start wrote: `<LIFELINE_EVENT> from=<server or none>`. */
  read(group: string, server: string): string {
    return fs.readFileSync(path.join(this.dir, `${group}.${server}`), 'utf8').trim();
  }

  write(group: string, server: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, `${group}.${server}`), `${text}\n`);
  }

  /** A marker left by a server that can no longer remove it (its power is off). */
  remove(group: string, server: string): void {
    fs.rmSync(path.join(this.dir, `${group}.${server}`));
  }

  clear(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
