/** `pnpm --filter @acme/analytics bench [rebuild|projection] [--rounds N]`. */
import { benchMain } from '@acme/testing/bench';
import { projectionBenchmark, rebuildBenchmark } from './index.js';

await benchMain({ rebuild: rebuildBenchmark, projection: projectionBenchmark });
