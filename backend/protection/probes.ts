/**
 * The outside evidence partition resolution asks for: can this server reach any of the
 * ping targets, and the witness? Both answer false on any doubt (a missing tool included,
 * with the reason logged): a side that cannot show it is connected must not claim to be
 * the survivor.
 */
import { runBounded } from '../bmc/spawn-bounded';
import type { ClusterConfig } from '../config/model';

type Partition = ClusterConfig['partition'];

export interface ProbeResult {
  reached: boolean;
  detail: string;
}

const ENV = { PATH: `${process.env.PATH ?? ''}:/usr/bin:/bin`, LANG: 'C' };

/** ICMP echo to every target at once (iputils ping); reached when any answers. */
export async function pingAny(ping: NonNullable<Partition['ping']>): Promise<ProbeResult> {
  const seconds = String(Math.max(1, Math.ceil(ping.timeoutMs / 1000)));
  const runs = await Promise.all(
    ping.targets.map((t) =>
      runBounded('ping', ['-n', '-c', '1', '-W', seconds, t], { env: ENV, hardTimeoutMs: ping.timeoutMs + 1000 })
    )
  );
  const answered = ping.targets.filter((_, i) => runs[i].exitCode === 0);
  if (answered.length > 0) {
    return { reached: true, detail: `${answered.join(', ')} answered` };
  }
  const missing = runs.find((r) => r.spawnError);
  return {
    reached: false,
    detail: missing
      ? `cannot run ping (${missing.spawnError}): install iputils-ping`
      : `no answer from ${ping.targets.join(', ')}`,
  };
}

/** The witness answers 2xx to a GET within its timeout. */
export async function reachWitness(witness: NonNullable<Partition['witness']>): Promise<ProbeResult> {
  try {
    const res = await fetch(witness.url, { signal: AbortSignal.timeout(witness.timeoutMs) });
    await res.body?.cancel();
    return res.ok
      ? { reached: true, detail: `witness answered ${res.status}` }
      : { reached: false, detail: `witness answered ${res.status}` };
  } catch (e) {
    return { reached: false, detail: `witness unreachable: ${(e as Error).message}` };
  }
}
