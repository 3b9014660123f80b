/**
 * Emmett's PostgreSQL event store (`@event-driven-io/emmett-postgresql`) on the same server, same
 * workload: `appendToStream(name, [event], { expectedStreamVersion })` with the tracked version
 * (0n creates the stream). It runs each append as BEGIN; SELECT emt_append_to_stream(…); COMMIT.
 */
import type { Event } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { scratchDatabase, type TestStack } from '@acme/testing';
import pg from 'pg';
import { LatencyRecorder } from './latency.js';
import type { PreparedCase } from './prepared-case.js';
import {
  eventData,
  eventType,
  extraMetadata,
  runWriters,
  storeMetadata,
  StreamCursor,
  streamName,
  type AppendSizes,
  type OrderLineAdded,
} from './workload.js';

export const emmettName = 'emmett-postgresql: appendToStream';

type EmmettOrderLineAdded = Event<typeof eventType, OrderLineAdded, Record<string, unknown>>;

export async function emmettCase(stack: TestStack, sizes: AppendSizes): Promise<PreparedCase> {
  const scratch = await scratchDatabase(stack, 'bench_append_emmett');
  // Our own pool, so every case gets the same number of connections (Emmett's default is 10).
  const pool = new pg.Pool({ connectionString: scratch.url, max: sizes.writers });
  const store = getPostgreSQLEventStore(scratch.url, { connectionOptions: { pool } });
  // Emmett migrates lazily on first use; do it now so round 1 does not time the schema creation.
  await store.schema.migrate();
  const cursor = new StreamCursor(sizes);
  const versions = new BigInt64Array(sizes.streams);
  const latencies = new LatencyRecorder(emmettName);

  const append = async (stream: number, sequence: number) => {
    const id = streamName(stream);
    const event: EmmettOrderLineAdded = {
      type: eventType,
      data: eventData(id, sequence),
      metadata: storeMetadata(extraMetadata),
    };
    const result = await store.appendToStream<EmmettOrderLineAdded>(id, [event], {
      expectedStreamVersion: versions[stream] ?? 0n,
    });
    versions[stream] = result.nextExpectedStreamVersion;
  };

  return {
    benchCase: {
      name: emmettName,
      unit: 'events',
      run: (progress) => runWriters(sizes, cursor, latencies, progress, append),
    },
    latencies,
    async close() {
      await store.close();
      await pool.end();
      await scratch.drop();
    },
  };
}
