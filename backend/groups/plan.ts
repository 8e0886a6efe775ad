/**
 * The order a group's resources start and stop in: a resource starts after everything it
 * depends on and stops before it. The configuration rejects dependency cycles and unknown
 * names (config/model/semantics.ts), so this only orders; among resources with no order
 * between them the configured order wins, which keeps runs reproducible for operators
 * reading logs.
 */
import type { Group, Resource } from '../config/model';
import { KILL_GRACE_MS } from './resources/exec';
import { FLOATING_IP_WORST_MS } from './resources/floating-ip';

export function startOrder(group: Pick<Group, 'resources'>): Resource[] {
  const byName = new Map(group.resources.map((r) => [r.name, r]));
  const placed = new Set<string>();
  const order: Resource[] = [];
  const place = (r: Resource, path: string[]) => {
    if (placed.has(r.name)) {
      return;
    }
    if (path.includes(r.name)) {
      throw new Error(`resource dependency cycle: ${[...path, r.name].join(' -> ')}`);
    }
    for (const dep of r.dependsOn) {
      const d = byName.get(dep);
      if (d) {
        place(d, [...path, r.name]);
      }
    }
    placed.add(r.name);
    order.push(r);
  };
  for (const r of group.resources) {
    place(r, []);
  }
  return order;
}

export function stopOrder(group: Pick<Group, 'resources'>): Resource[] {
  return startOrder(group).reverse();
}

/**
 * The longest a start (with the clean-up of a failed one) can take: every resource's
 * timeout, twice. Whoever waits for a start waits this long before giving up on it.
 */
export function worstCaseMs(group: Pick<Group, 'resources'>): number {
  return (
    2 *
    group.resources.reduce(
      (sum, r) => sum + (r.type === 'exec' ? r.timeoutMs + KILL_GRACE_MS : FLOATING_IP_WORST_MS),
      0
    )
  );
}
