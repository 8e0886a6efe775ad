/**
 * Entry point of the heartbeat worker thread (started by HeartbeatService from the compiled
 * build/backend/membership/worker.js). The worker has its own event loop and its own heap,
 * so neither a long synchronous task nor a garbage collection pause in the agent's main
 * thread delays a heartbeat or a timeout check here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromRuntime, RuntimeInit, ToRuntime } from './protocol';
import { HeartbeatRuntime } from './runtime';

const port = parentPort;
if (port === null) {
  throw new Error('membership/worker.js must be started as a worker thread (by HeartbeatService)');
}

const runtime = new HeartbeatRuntime(workerData as RuntimeInit, (m: FromRuntime) => {
  port.postMessage(m);
  if (m.type === 'stopped' || m.type === 'failed') {
    // Nothing else keeps the thread alive once the sockets and timers are gone.
    port.close();
  }
});
port.on('message', (m: ToRuntime) => runtime.handle(m));
void runtime.start();
