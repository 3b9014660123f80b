/**
 * `pnpm --filter @acme/event-store bench append`: single-event appends, 8 writers over 10k streams,
 * beside raw `pg` single-row insert transactions of the same row size and Emmett's PostgreSQL event
 * store, all in the same run, each in a scratch database of its own. The harness prints rates and
 * ratios; the per-append latency percentiles (all rounds) are printed when the benchmark closes.
 * Sizes: `BENCH_APPENDS` (per run, default 20,000), `BENCH_WRITERS` (8), `BENCH_STREAMS` (10,000).
 */
import type { Benchmark } from '@acme/testing/bench';
import type { TestStack } from '@acme/testing';
import { emmettCase } from './emmett.js';
import { eventStoreCase } from './event-store.js';
import { formatLatencies } from './latency.js';
import type { PreparedCase } from './prepared-case.js';
import { rawInsertCase, rawInsertName } from './raw-pg.js';
import { dataBytes, metadataBytes, sizesFromEnvironment } from './workload.js';

export const appendBenchmark: Benchmark = {
  description: 'event store appends (8 writers, 10k streams) beside raw pg insert transactions and Emmett',
  async prepare(stack: TestStack) {
    const sizes = sizesFromEnvironment();
    write(
      `append: ${sizes.writers} writers, ${sizes.appends.toLocaleString('en-US')} single-event appends per run ` +
        `over ${sizes.streams.toLocaleString('en-US')} streams (round 1 creates them); ` +
        `data ${dataBytes} B, metadata ${metadataBytes} B of JSON; ${sizes.writers} connections per case`,
    );
    const prepared: PreparedCase[] = [];
    const closeAll = async () => {
      // Drop every scratch database even when one close fails; report the first failure.
      const outcomes = await Promise.allSettled(prepared.map((p) => p.close()));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    };
    try {
      prepared.push(await rawInsertCase(stack, sizes));
      prepared.push(await eventStoreCase(stack, sizes, { inTransaction: true }));
      prepared.push(await emmettCase(stack, sizes));
      prepared.push(await eventStoreCase(stack, sizes, { inTransaction: false }));
    } catch (error) {
      await closeAll();
      throw error;
    }
    return {
      cases: prepared.map(({ benchCase }) =>
        benchCase.name === rawInsertName ? benchCase : { ...benchCase, baseline: rawInsertName },
      ),
      async close() {
        if (prepared.some((p) => p.latencies.count > 0))
          write(`\n${formatLatencies(prepared.map((p) => p.latencies))}`);
        await closeAll();
      },
    };
  },
};

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}
