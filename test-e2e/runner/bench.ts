/**
 * `pnpm bench <name> [--rounds N]` from the repository root: every benchmark of every package, by
 * name (`pnpm bench --list`). Each package also runs its own with `pnpm --filter <pkg> bench`.
 */
import { projectionBenchmark, rebuildBenchmark } from '@acme/analytics/bench';
import { appendBenchmark } from '@acme/event-store/bench';
import { codecBenchmark, consumerBenchmark } from '@acme/messaging/bench';
import { relayBenchmark } from '@acme/outbox/bench';
import { benchMain } from '@acme/testing/bench';
import { baseline } from '../bench/baseline.js';
import { lifecycleBenchmark } from '../bench/lifecycle.js';
import { tracingBenchmark } from '../bench/tracing.js';

await benchMain({
  baseline,
  append: appendBenchmark,
  relay: relayBenchmark,
  consumer: consumerBenchmark,
  codec: codecBenchmark,
  lifecycle: lifecycleBenchmark,
  tracing: tracingBenchmark,
  rebuild: rebuildBenchmark,
  projection: projectionBenchmark,
});
