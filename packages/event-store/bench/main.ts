/** `pnpm --filter @acme/event-store bench <name> [--rounds N]`: this package's benchmarks. */
import { benchMain } from '@acme/testing/bench';
import { appendBenchmark } from './append.js';

await benchMain({ append: appendBenchmark });
