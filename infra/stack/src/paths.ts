import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The monorepo root: the nearest directory holding pnpm-workspace.yaml, searched upwards from the
 * working directory (every script runs somewhere inside the repository).
 */
export function repoRoot(from: string = process.cwd()): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`not inside the repository (no pnpm-workspace.yaml above ${from})`);
    dir = parent;
  }
}
