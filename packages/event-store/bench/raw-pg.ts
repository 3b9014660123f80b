/**
 * The baseline: what bare `pg` manages for the same rows with nothing of ours in between — one
 * BEGIN; INSERT; COMMIT per row, on a table with an event row's columns and sizes.
 */
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
} from './workload.js';

export const rawInsertName = 'pg: single-row INSERT transactions';

export async function rawInsertCase(stack: TestStack, sizes: AppendSizes): Promise<PreparedCase> {
  const scratch = await scratchDatabase(stack, 'bench_append_raw');
  const pool = new pg.Pool({ connectionString: scratch.url, max: sizes.writers });
  await pool.query(`CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id text NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL
  )`);
  const cursor = new StreamCursor(sizes);
  const latencies = new LatencyRecorder(rawInsertName);

  const insert = async (stream: number, sequence: number) => {
    const id = streamName(stream);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        'INSERT INTO events (stream_id, type, data, metadata) VALUES ($1, $2, $3::jsonb, $4::jsonb)',
        [
          id,
          eventType,
          JSON.stringify(eventData(id, sequence)),
          JSON.stringify(storeMetadata(extraMetadata)),
        ],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    benchCase: {
      name: rawInsertName,
      unit: 'rows',
      run: (progress) => runWriters(sizes, cursor, latencies, progress, insert),
    },
    latencies,
    async close() {
      await pool.end();
      await scratch.drop();
    },
  };
}
