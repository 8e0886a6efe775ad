import type { z } from 'zod/mini';
import type { configApplyAnswer } from '../../api/answers/config';
import { shortHash } from '../../config/hash';

export type ApplyAnswer = z.infer<typeof configApplyAnswer>;

/**
 * What `config apply` and `config rollback` print: the revision and where it was stored,
 * then one line per agent that reported what took effect there (agents before live
 * reconfiguration send no report).
 */
export function formatApplyAnswer(r: ApplyAnswer, lead = 'applied'): string {
  const lines = [
    `${lead} revision ${r.revision} (${shortHash(r.hash)}) on ${r.committed.join(', ')}` +
      (r.unreachable.length ? `; unreachable, will catch up: ${r.unreachable.join(', ')}` : ''),
  ];
  for (const a of r.agents ?? []) {
    const parts = [
      a.applied.length > 0 ? `in effect: ${a.applied.map((c) => c.summary).join('; ')}` : '',
      a.atNextStart.length > 0
        ? `at the next start of the group: ${a.atNextStart.map((c) => c.summary).join('; ')}`
        : '',
      a.restartRequired.length > 0
        ? `after a restart (lifeline cluster restart): ${a.restartRequired.map((c) => c.summary).join('; ')}`
        : '',
    ].filter(Boolean);
    lines.push(`  ${a.server}: ${parts.length > 0 ? parts.join(' | ') : 'nothing changed here'}`);
  }
  return lines.join('\n') + '\n';
}
