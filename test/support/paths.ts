import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'build', 'backend', 'cli', 'main.js');
export const EXAMPLES = path.join(ROOT, 'examples');
export const SHARED_REFERENCE = path.resolve(ROOT, '..', 'shared', 'reference');
