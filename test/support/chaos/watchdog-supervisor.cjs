// An emulated hardware watchdog (like softdog behind /dev/watchdog) for one host of the chaos
// rig. The agent writes to a FIFO; this process reads it. The first byte arms the timer;
// every byte restarts it; when the last byte was 'V' (the "magic close") the timer is
// disarmed. If it expires while armed, the host is "reset": every process in the host's
// network namespace is SIGKILLed by PID (`ip netns pids`), as a real reset would stop them all.
// argv: FIFO NAMESPACE TIMEOUT_MS EVENTS_FILE. Events: "<ms> armed|disarmed|reset <killed pids>".
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const { execFileSync } = require('node:child_process');

const [fifo, ns, timeoutArg, eventsFile] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg);
const note = (what) => fs.appendFileSync(eventsFile, `${Date.now()} ${what}\n`);

// O_RDWR: opening never blocks, and a writer that closes (the agent exiting) gives no EOF.
const fd = fs.openSync(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
const pipe = new net.Socket({ fd, readable: true, writable: false });
let timer = null;
let armed = false;

function reset() {
  timer = null;
  armed = false;
  let pids = [];
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
  } catch (e) {
    note(`error listing ${ns}: ${e.message}`);
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  note(`reset ${pids.join(',')}`);
}

pipe.on('data', (chunk) => {
  if (timer) {
    clearTimeout(timer);
    timer = null;
  }
  if (chunk[chunk.length - 1] === 0x56 /* 'V' */) {
    if (armed) {
      note('disarmed');
    }
    armed = false;
    return;
  }
  if (!armed) {
    armed = true;
    note('armed');
  }
  timer = setTimeout(reset, timeoutMs);
});
note('listening');
process.on('SIGTERM', () => process.exit(0));
