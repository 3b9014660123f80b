/**
 * `pnpm bench baseline`: what the raw clients do on this machine, with nothing of ours in between —
 * `pg` inserting rows and kafkajs producing (idempotent, acks=all) and consuming. Every later
 * benchmark (event store appends, outbox relay, consumer runtime, projections) names one of these
 * cases as its baseline, so its figure always comes with "×N of what the bare client manages".
 */
import { randomUUID } from 'node:crypto';
import type { BenchCase, Benchmark } from '@acme/testing/bench';
import { createTopic, databaseUrl, deleteTopics, withDeadline, type TestStack } from '@acme/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

export interface BaselineSizes {
  rows: number;
  messages: number;
  /** Rows per INSERT statement (and per transaction) and messages per produce request. */
  batch: number;
}

export const defaultSizes: BaselineSizes = { rows: 20_000, messages: 50_000, batch: 100 };

/** A 256-byte payload: roughly the size of an Avro-encoded order event with its envelope. */
const payload = Buffer.alloc(256, 'x');

export async function baselineCases(
  stack: TestStack,
  sizes: BaselineSizes = defaultSizes,
): Promise<{ cases: BenchCase[]; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl(stack, 'orders'), max: 4 });
  const table = `bench_rows_${randomUUID().slice(0, 8)}`;
  await pool.query(
    `CREATE TABLE ${table} (id bigserial PRIMARY KEY, key text NOT NULL, body bytea NOT NULL)`,
  );

  const kafka = new Kafka({
    clientId: 'bench-baseline',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = await createTopic(kafka, 'bench.baseline', 6);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
  await producer.connect();

  const rawInsert: BenchCase = {
    name: 'pg: batched INSERT',
    unit: 'rows',
    async run(progress) {
      const client = await pool.connect();
      try {
        for (let done = 0; done < sizes.rows; done += sizes.batch) {
          const values: unknown[] = [];
          const tuples: string[] = [];
          for (let i = 0; i < sizes.batch; i++) {
            values.push(`key-${(done + i) % 1000}`, payload);
            tuples.push(`($${2 * i + 1}, $${2 * i + 2})`);
          }
          await client.query('BEGIN');
          await client.query(`INSERT INTO ${table} (key, body) VALUES ${tuples.join(',')}`, values);
          await client.query('COMMIT');
          progress(done + sizes.batch, sizes.rows);
        }
      } finally {
        client.release();
      }
      return sizes.rows;
    },
  };

  let produced = 0;
  const rawProduce: BenchCase = {
    name: 'kafkajs: produce (idempotent, acks=all)',
    unit: 'messages',
    async run(progress) {
      for (let done = 0; done < sizes.messages; done += sizes.batch) {
        const messages = Array.from({ length: sizes.batch }, (_, i) => ({
          key: `order-${(done + i) % 1000}`,
          value: payload,
        }));
        await producer.send({ topic, acks: -1, messages });
        progress(done + sizes.batch, sizes.messages);
      }
      produced += sizes.messages;
      return sizes.messages;
    },
  };

  const rawConsume: BenchCase = {
    name: 'kafkajs: consume (eachBatch, from the beginning)',
    unit: 'messages',
    async run(progress) {
      // A fresh group each run reads everything produced so far, through the same path a service uses.
      const target = produced;
      const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let seen = 0;
      let firstBatchAt: bigint | undefined;
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          eachBatch: ({ batch }) => {
            firstBatchAt ??= process.hrtime.bigint();
            seen += batch.messages.length;
            progress(Math.min(seen, target), target);
            if (seen >= target) resolve();
            return Promise.resolve();
          },
        });
      });
      try {
        await withDeadline(done, 120_000, `consuming ${target} messages from ${topic}`);
      } finally {
        await consumer.disconnect();
      }
      // Joining the group is not throughput; the clock starts at the first batch.
      const seconds = Number(process.hrtime.bigint() - (firstBatchAt ?? process.hrtime.bigint())) / 1e9;
      return { ops: target, seconds };
    },
  };

  return {
    cases: [rawInsert, rawProduce, rawConsume],
    async close() {
      await producer.disconnect();
      await deleteTopics(kafka, [topic]);
      await pool.query(`DROP TABLE ${table}`);
      await pool.end();
    },
  };
}

export const baseline: Benchmark = {
  description: 'raw pg inserts, raw kafkajs produce and consume — the reference for every other benchmark',
  prepare: (stack) => baselineCases(stack),
};
