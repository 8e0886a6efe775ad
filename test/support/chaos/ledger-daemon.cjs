// The "service" of a ledger resource: while it runs it appends
//   <host> <group> alive <wall ms> <pid>
// to the shared ledger every ~50 ms, with a `start` line first and a `stop` line when it is
// stopped (SIGTERM). A copy killed with SIGKILL (a host powered off) just falls silent.
// argv: LEDGER HOST GROUP PIDFILE. Plain CommonJS: it runs in a host's namespace with no build.
'use strict';
const fs = require('node:fs');

const [ledger, host, group, pidFile] = process.argv.slice(2);
const PERIOD_MS = 50;
const fd = fs.openSync(ledger, 'a');
// One write(2) per line on an O_APPEND descriptor: lines of different copies never interleave.
const mark = (what) => fs.writeSync(fd, `${host} ${group} ${what} ${Date.now()} ${process.pid}\n`);

mark('start');
fs.writeFileSync(`${pidFile}.tmp`, `${process.pid}\n`);
fs.renameSync(`${pidFile}.tmp`, pidFile);
const timer = setInterval(() => mark('alive'), PERIOD_MS);
process.on('SIGTERM', () => {
  clearInterval(timer);
  mark('stop');
  process.exit(0);
});
