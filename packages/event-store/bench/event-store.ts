/**
 * Our store through its public API: `appendToStream` with the version the writer tracked, so every
 * append must succeed (a ConcurrencyError here is a bug and fails the run).
 */
import { connect, migrate } from '@acme/postgres';
import { scratchDatabase, type TestStack } from '@acme/testing';
import {
  appendToStream,
  eventStoreMigrations,
  type EventStoreDatabase,
  type Executor,
} from '@acme/event-store';
import { LatencyRecorder } from './latency.js';
import type { PreparedCase } from './prepared-case.js';
import {
  eventData,
  eventType,
  extraMetadata,
  runWriters,
  StreamCursor,
  streamName,
  streamType,
  type AppendSizes,
} from './workload.js';

export const eventStoreName = 'event store: appendToStream';
export const eventStoreAutocommitName = 'event store: appendToStream, autocommit';

/**
 * `inTransaction`: BEGIN; append; COMMIT, as `handleCommand` runs it and as the raw and Emmett
 * cases do. Without it the append is the store's single statement, committed on its own.
 */
export async function eventStoreCase(
  stack: TestStack,
  sizes: AppendSizes,
  { inTransaction }: { inTransaction: boolean },
): Promise<PreparedCase> {
  const scratch = await scratchDatabase(stack, 'bench_append_store');
  const db = connect<EventStoreDatabase>({ url: scratch.url, max: sizes.writers });
  await migrate(db, eventStoreMigrations);
  const name = inTransaction ? eventStoreName : eventStoreAutocommitName;
  const cursor = new StreamCursor(sizes);
  const versions = new Int32Array(sizes.streams);
  const latencies = new LatencyRecorder(name);

  const appendOne = async (executor: Executor, stream: number, sequence: number) => {
    const id = streamName(stream);
    const expected = versions[stream] ?? 0;
    const result = await appendToStream(executor, id, [{ type: eventType, data: eventData(id, sequence) }], {
      streamType,
      expectedVersion: expected === 0 ? 'no-stream' : expected,
      knownTypes: [eventType],
      metadata: extraMetadata,
    });
    versions[stream] = result.nextExpectedVersion;
  };
  const append = inTransaction
    ? (stream: number, sequence: number) => db.transaction().execute((tx) => appendOne(tx, stream, sequence))
    : (stream: number, sequence: number) => appendOne(db, stream, sequence);

  return {
    benchCase: {
      name,
      unit: 'events',
      run: (progress) => runWriters(sizes, cursor, latencies, progress, append),
    },
    latencies,
    async close() {
      await db.destroy();
      await scratch.drop();
    },
  };
}
