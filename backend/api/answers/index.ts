/**
 * The agent's API answers as zod schemas, shared by the agent and the Grafana plugin.
 *
 * Pure (zod only, no Node): the plugin bundles this folder and parses every answer with
 * it, and backend/api/answers-check.ts makes the agent's compile fail when what it sends
 * no longer fits what the console reads. The schemas are lenient on purpose: unknown
 * fields are dropped and states are plain strings, so an agent of a newer version
 * (a new group state, a new field) does not break an older console.
 */
export * from './status';
export * from './groups';
export * from './monitors';
export * from './events';
export * from './config';
