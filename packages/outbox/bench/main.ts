/** `pnpm --filter @acme/outbox bench [relay] [--rounds N]`. */
import { benchMain } from '@acme/testing/bench';
import { relayBenchmark } from './relay.js';

await benchMain({ relay: relayBenchmark });
