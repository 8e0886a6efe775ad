/**
 * A cap on open server-sent-event streams: each holds a socket, a listener and a timer for
 * as long as the client likes, so without a cap a few hundred idle clients cost memory and
 * file descriptors. Beyond the cap a new stream is refused at once (503 with Retry-After);
 * the open ones and the refusals are metrics.
 */
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';

/** max: read per request (a new configuration revision may change it). */
export function streamLimit(registry: Registry, maxNow: () => number) {
  let open = 0;
  const clients = new Gauge({
    name: 'lifeline_api_event_stream_clients',
    help: 'Open GET /events/stream connections.',
    registers: [registry],
    collect() {
      this.set(open);
    },
  });
  clients.set(0);
  const refused = new Counter({
    name: 'lifeline_api_event_stream_refused_total',
    help: 'GET /events/stream connections refused because api.maxEventStreams were open.',
    registers: [registry],
  });
  return (_req: Request, res: Response, next: NextFunction) => {
    const max = maxNow();
    if (open >= max) {
      refused.inc();
      res.setHeader('Retry-After', '10');
      res
        .status(503)
        .json({ error: `too many event streams are open (api.maxEventStreams = ${max}); try again later` });
      return;
    }
    open++;
    res.once('close', () => open--);
    next();
  };
}
