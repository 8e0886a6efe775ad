import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventLog } from '../../../backend/events/event-log';

const options = { maxEvents: 1000, maxAgeMs: 86_400_000, burstWindowMs: 1000 };

describe('an event log file that is not a database', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-broken-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('is moved aside with its WAL, kept as it was, and a fresh log works', () => {
    const file = path.join(dir, 'events.db');
    fs.writeFileSync(file, 'this is not a database, just text long enough to look like a header');
    fs.writeFileSync(`${file}-wal`, 'stale');
    const log = new EventLog(file, { ...options, clock: { wallNow: () => Date.parse('2026-01-02T03:04:05.678Z') } });
    expect(log.movedAside).toEqual({
      file,
      movedTo: `${file}.corrupt-2026-01-02T03-04-05-678Z`,
      reason: 'file is not a database',
    });
    expect(fs.readFileSync(log.movedAside!.movedTo, 'utf8')).toMatch(/^this is not a database/);
    expect(fs.readFileSync(`${log.movedAside!.movedTo}-wal`, 'utf8')).toBe('stale');
    log.append({
      time: Date.parse('2026-01-02T03:04:05.678Z'),
      server: 's',
      type: 'notify',
      class: 'informational',
      summary: 'x',
    });
    expect(log.count()).toBe(1);
    log.close();
  });

  test('a healthy file is left alone', () => {
    const file = path.join(dir, 'events.db');
    new EventLog(file, options).close();
    const again = new EventLog(file, options);
    expect(again.movedAside).toBeUndefined();
    again.close();
    expect(fs.readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });
});
