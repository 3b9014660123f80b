/** `pnpm --filter @acme/analytics bench [rebuild] [--rounds N]`. */
import { benchMain } from '@acme/testing/bench';
import { rebuildBenchmark } from './index.js';

await benchMain({ rebuild: rebuildBenchmark });
