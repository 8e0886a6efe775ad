import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'build', 'backend', 'cli', 'main.js');
export const EXAMPLES = path.join(ROOT, 'examples');
// Beside the checkout (CI's layout); LIFELINE_SHARED_REFERENCE for a checkout elsewhere (a git worktree).
export const SHARED_REFERENCE = process.env.LIFELINE_SHARED_REFERENCE ?? path.resolve(ROOT, '..', 'shared', 'reference');
