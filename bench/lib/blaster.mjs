// Sends COUNT copies of a datagram (sequence bytes varied) to HOST:PORT from SOURCE at RATE
// per second (0 = as fast as possible), then prints {"sent":N,"seconds":S} on stdout.
// A separate process, so that sending never shares an event loop with a receiver.
import dgram from 'node:dgram';

const [host, port, source, rateText, countText, hex, seqOffsetText] = process.argv.slice(2);
const rate = Number(rateText);
const count = Number(countText);
const template = Buffer.from(hex, 'hex');
const seqOffset = Number(seqOffsetText ?? -1);
const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 8 << 20 });
await new Promise((r) => socket.bind(0, source, r));

const packets = Array.from({ length: 64 }, (_, i) => {
  const p = Buffer.from(template);
  if (seqOffset >= 0) {
    p.writeUInt16BE(i + 1, seqOffset);
  }
  return p;
});

let sent = 0;
let inFlight = 0;
const start = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;

function sendOne() {
  inFlight++;
  socket.send(packets[sent % 64], Number(port), host, () => inFlight--);
  sent++;
}

while (sent < count) {
  const due = rate > 0 ? Math.min(count, Math.floor(elapsed() * rate) + 1) : count;
  const burst = Math.min(due - sent, 512);
  for (let i = 0; i < burst; i++) {
    sendOne();
  }
  // Let the send callbacks run; without it libuv queues grow without bound.
  if (inFlight > 4096 || burst === 0) {
    await new Promise((r) => setImmediate(r));
  }
}
while (inFlight > 0) {
  await new Promise((r) => setImmediate(r));
}
const seconds = elapsed();
socket.close();
process.stdout.write(JSON.stringify({ sent, seconds }) + '\n');
