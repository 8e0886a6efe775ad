import type { AgentContext } from '../context';

/**
 * An operator's action on monitors, carried out by the agents of `peers` (each the
 * authority for its own rows), in parallel. `count` adds up what each one changed; a peer
 * that does not answer (or answers an error) is in `unreachable`.
 */
export async function forwardToPeers(
  ctx: AgentContext,
  peers: string[],
  path: string,
  body: unknown
): Promise<{ count: number; unreachable: string[] }> {
  const answers = await Promise.all(
    peers.map(async (p) => ({ peer: p, answer: await ctx.monitors.forward(p, path, body) }))
  );
  let count = 0;
  const unreachable: string[] = [];
  for (const { peer, answer } of answers) {
    const changed = (answer?.body as { changed?: unknown } | undefined)?.changed;
    if (answer?.status === 200 && typeof changed === 'number') {
      count += changed;
    } else {
      unreachable.push(peer);
    }
  }
  return { count, unreachable };
}
