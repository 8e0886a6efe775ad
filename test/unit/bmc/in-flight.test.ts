// The one-call-per-BMC gate: join, queue and refuse, as documented in backend/bmc/in-flight.ts.
import { OneInFlight } from '../../../backend/bmc/in-flight';
import { deferred, flush, type Deferred } from './fake-time';

/** A start function whose completion the test controls, counting how often it ran. */
function controlled() {
  const calls: Array<Deferred<string>> = [];
  const start = () => {
    const d = deferred<string>();
    calls.push(d);
    return d.promise;
  };
  return { calls, start };
}

describe('OneInFlight', () => {
  test('a status request joins a running status: one start, same result', async () => {
    const gate = new OneInFlight<string>();
    const { calls, start } = controlled();
    const a = gate.request('bmc1', 'status', start);
    const b = gate.request('bmc1', 'status', start);
    expect(a).toMatchObject({ admitted: true, joined: false });
    expect(b).toMatchObject({ admitted: true, joined: true });
    await flush();
    expect(calls).toHaveLength(1);
    calls[0].resolve('on');
    await expect(a.admitted && a.result).resolves.toBe('on');
    await expect(b.admitted && b.result).resolves.toBe('on');
    expect(gate.active).toBe(0);
  });

  test('a control waits for the running status, then runs; never two at once', async () => {
    const gate = new OneInFlight<string>();
    const { calls, start } = controlled();
    const status = gate.request('bmc1', 'status', start);
    const off = gate.request('bmc1', 'control', start);
    expect(off).toMatchObject({ admitted: true, joined: false });
    expect(gate.state('bmc1')).toEqual({ running: 'status', queued: true });
    await flush();
    expect(calls).toHaveLength(1);
    calls[0].resolve('status done');
    await flush();
    expect(calls).toHaveLength(2);
    expect(gate.state('bmc1')).toEqual({ running: 'control', queued: false });
    calls[1].resolve('off done');
    await expect(status.admitted && status.result).resolves.toBe('status done');
    await expect(off.admitted && off.result).resolves.toBe('off done');
    expect(gate.active).toBe(0);
  });

  test('refuses a status while a control runs or waits, and a second waiting control', async () => {
    const gate = new OneInFlight<string>();
    const { calls, start } = controlled();
    gate.request('bmc1', 'control', start);
    expect(gate.request('bmc1', 'status', start)).toEqual({
      admitted: false,
      reason: 'a power control call to this BMC is in progress',
    });
    const queued = gate.request('bmc1', 'control', start);
    expect(queued.admitted).toBe(true);
    expect(gate.request('bmc1', 'control', start)).toEqual({
      admitted: false,
      reason: 'another power control call to this BMC is already waiting',
    });
    expect(gate.request('bmc1', 'status', start).admitted).toBe(false);
    await flush();
    expect(calls).toHaveLength(1);
    calls[0].resolve('first');
    await flush();
    calls[1].resolve('second');
    await expect(queued.admitted && queued.result).resolves.toBe('second');
  });

  test('a status joining is refused once a control waits behind the running status', () => {
    const gate = new OneInFlight<string>();
    const { start } = controlled();
    gate.request('bmc1', 'status', start);
    gate.request('bmc1', 'control', start);
    expect(gate.request('bmc1', 'status', start).admitted).toBe(false);
  });

  test('different BMCs do not wait for each other', async () => {
    const gate = new OneInFlight<string>();
    const { calls, start } = controlled();
    gate.request('bmc1', 'status', start);
    gate.request('bmc2', 'status', start);
    gate.request('bmc3', 'control', start);
    await flush();
    expect(calls).toHaveLength(3);
    expect(gate.active).toBe(3);
  });

  test('a rejected or throwing call frees the slot and the queued control still runs', async () => {
    const gate = new OneInFlight<string>();
    const first = gate.request('bmc1', 'status', () => {
      throw new Error('boom');
    });
    const next = gate.request('bmc1', 'control', () => Promise.resolve('ran'));
    await expect(first.admitted && first.result).rejects.toThrow('boom');
    await expect(next.admitted && next.result).resolves.toBe('ran');
    await flush();
    expect(gate.active).toBe(0);
  });

  test('many requests during a hung call start no second process', async () => {
    const gate = new OneInFlight<string>();
    const { calls, start } = controlled();
    for (let i = 0; i < 1000; i++) {
      gate.request('bmc1', i % 10 === 5 ? 'control' : 'status', start);
    }
    await flush();
    expect(calls).toHaveLength(1);
    // The first status runs, the first control waits, everything else joined or was refused.
    expect(gate.state('bmc1')).toEqual({ running: 'status', queued: true });
  });
});
