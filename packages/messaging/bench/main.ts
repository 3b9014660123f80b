/** `pnpm --filter @acme/messaging bench [consumer|codec] [--rounds N]`. */
import { benchMain } from '@acme/testing/bench';
import { codecBenchmark, consumerBenchmark } from './index.js';

await benchMain({ consumer: consumerBenchmark, codec: codecBenchmark });
