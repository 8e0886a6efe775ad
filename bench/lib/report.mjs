// Shared by every bench: print a table and write bench/results/NAME.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function report(name, { rows, targets = [], notes = [] }) {
  const columns = Object.keys(rows[0] ?? {});
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
  console.log(`\n== bench ${name} ==`);
  console.log(line(columns));
  console.log(line(width.map((w) => '-'.repeat(w))));
  rows.forEach((r) => console.log(line(columns.map((c) => r[c]))));
  for (const t of targets) {
    console.log(`${t.met ? 'MET ' : 'MISSED'}  ${t.name}: ${t.value} (target ${t.target})`);
  }
  notes.forEach((n) => console.log(`note: ${n}`));
  fs.mkdirSync(RESULTS, { recursive: true });
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
  fs.writeFileSync(
    path.join(RESULTS, `${name}.json`),
    JSON.stringify({ bench: name, date: new Date().toISOString(), machine, rows, targets, notes }, null, 2) + '\n'
  );
  return targets.every((t) => t.met);
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function round(n, digits = 2) {
  return Number(n.toFixed(digits));
}
