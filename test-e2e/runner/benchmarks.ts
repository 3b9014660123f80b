/** Every benchmark `pnpm bench` knows, by name; loaded by runner/bench.ts once the workspace is built. */
import { projectionBenchmark, rebuildBenchmark } from '@acme/analytics/bench';
import { appendBenchmark } from '@acme/event-store/bench';
import { codecBenchmark, consumerBenchmark } from '@acme/messaging/bench';
import { relayBenchmark } from '@acme/outbox/bench';
import { benchMain } from '@acme/testing/bench';
import { baseline } from '../bench/baseline.js';
import { lifecycleBenchmark } from '../bench/lifecycle.js';
import { tracingBenchmark } from '../bench/tracing.js';

export function runBenchmarks(): Promise<void> {
  return benchMain({
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
}
