/**
 * `pnpm bench <name> [--rounds N]` from the repository root: every benchmark of every package, by
 * name (`pnpm bench --list`). Each package also runs its own with `pnpm --filter <pkg> bench`.
 *
 * The whole-system benchmarks run the services from their built output, and the benchmarks import
 * the generated contracts: the workspace is built first, and only then are they loaded.
 */
import { buildWorkspace } from './build.js';
import { step } from './step.js';

step('building the workspace');
await buildWorkspace();
const { runBenchmarks } = await import('./benchmarks.js');
await runBenchmarks();
