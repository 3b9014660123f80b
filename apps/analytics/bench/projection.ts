/**
 * `pnpm bench projection`: the projection's SQL alone — the saga events of `pnpm bench rebuild`
 * handed to the shared `handleBatch` in transactions of ≤ 500 mixed events, as the consumer runtime
 * does during a rebuild (one run per topic partition, the partitions taking turns as the
 * generation's write lock makes them), on one connection. Beside it, in the same run, the
 * baseline: a multi-row INSERT of as many rows into a plain table as wide as the timeline, one
 * statement (and transaction) per 500 rows. No Kafka, no decoding: only what Postgres does.
 */
import { randomUUID } from 'node:crypto';
import { lookup } from '@acme/contracts';
import type { InboundEvent } from '@acme/messaging';
import { connect } from '@acme/postgres';
import { scratchDatabase, type TestStack } from '@acme/testing';
import type { BenchCase, Benchmark } from '@acme/testing/bench';
import { sql, type Kysely, type Transaction } from 'kysely';
import { eventRecord } from '../src/read-model/handlers.js';
import { analyticsProjection } from '../src/read-model/projection.js';
import type { AnalyticsDatabase } from '../src/read-model/tables.js';
import { saga } from './rebuild.js';

export interface ProjectionBenchSizes {
  /** Orders; each is a whole saga of 3 to 7 events. */
  orders: number;
  /** Partitions per topic: a transaction holds events of one topic partition. */
  partitions: number;
  /** Events per transaction at most (the consumer's batch). */
  batch: number;
}

export const defaultProjectionSizes: ProjectionBenchSizes = { orders: 15_000, partitions: 6, batch: 500 };

/** The events' own time: the data's timestamp field (StockInsufficient has none: just after placement). */
function timeOf(data: Record<string, unknown>, placedAt: number): number {
  for (const [key, value] of Object.entries(data))
    if (key.endsWith('At') && key !== 'deadlineAt' && typeof value === 'number') return value;
  return placedAt + 30;
}

/**
 * The backlog as the consumer runtime hands it over: per topic partition (key = order id) in
 * publication order, cut into batches, the partitions taking turns.
 */
export function projectionBatches(sizes: ProjectionBenchSizes): InboundEvent<never>[][] {
  const streams = new Map<string, InboundEvent<never>[]>();
  for (let n = 0; n < sizes.orders; n++) {
    let placedAt = 0;
    for (const { type, subject, data } of saga(n)) {
      const fields = data as Record<string, unknown>;
      if (typeof fields.placedAt === 'number') placedAt = fields.placedAt;
      const topic = lookup(type).topic;
      const partition = n % sizes.partitions;
      const key = `${topic}/${String(partition)}`;
      const stream = streams.get(key) ?? [];
      streams.set(key, stream);
      const id = randomUUID();
      stream.push({
        type,
        data: data as never,
        envelope: {
          id,
          source: `/acme/${type.split('.')[2] ?? 'unknown'}`,
          type,
          specversion: '1.0',
          time: new Date(timeOf(fields, placedAt)).toISOString(),
          subject,
          correlationid: randomUUID(),
          causationid: randomUUID(),
          traceparent: `00-${randomUUID().replaceAll('-', '')}-00f067aa0ba902b7-01`,
          hops: 1,
        },
        group: 'analytics.bench',
        topic,
        partition,
        offset: String(stream.length),
        cause: { correlationId: id, causationId: id, hops: 2 },
      });
    }
  }
  const batches: InboundEvent<never>[][] = [];
  const cursors = [...streams.values()].map((events) => ({ events, at: 0 }));
  for (let left = true; left;) {
    left = false;
    for (const c of cursors) {
      if (c.at >= c.events.length) continue;
      batches.push(c.events.slice(c.at, c.at + sizes.batch));
      c.at += sizes.batch;
      left = true;
    }
  }
  return batches;
}

export async function projectionCases(
  stack: TestStack,
  sizes: ProjectionBenchSizes = defaultProjectionSizes,
  report: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ cases: BenchCase[]; close(): Promise<void> }> {
  const scratch = await scratchDatabase(stack, 'analytics_projection_bench');
  // One connection: the generation's writes take turns anyway.
  const db: Kysely<AnalyticsDatabase> = connect<AnalyticsDatabase>({
    url: scratch.url,
    max: 1,
    applicationName: 'projection-bench',
  });
  const close = async () => {
    await db.destroy();
    await scratch.drop();
  };
  const batches = projectionBatches(sizes);
  const total = batches.reduce((sum, b) => sum + b.length, 0);
  report(
    `${total.toLocaleString('en-US')} events of ${sizes.orders.toLocaleString('en-US')} orders in ` +
      `${String(batches.length)} transactions of ≤ ${String(sizes.batch)} (3 topics × ${String(sizes.partitions)} partitions)`,
  );
  let runs = 0;
  /** A fresh schema per run, made and dropped outside the measured part. */
  const fresh = async (make: (tx: Transaction<AnalyticsDatabase>, schema: string) => Promise<void>) => {
    const schema = `bench_r${String(++runs)}`;
    await db.transaction().execute(async (tx) => {
      await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(tx);
      await make(tx, schema);
    });
    return schema;
  };
  const timed = async (
    schema: string,
    work: (progress: (done: number) => void) => Promise<void>,
    progress: (done: number, total: number) => void,
  ) => {
    const started = process.hrtime.bigint();
    await work((done) => {
      progress(done, total);
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(db);
    return { ops: total, seconds };
  };

  const columns = [
    'event_id',
    'order_id',
    'type',
    'source',
    'occurred_at',
    'correlation_id',
    'causation_id',
    'traceparent',
    'topic',
    'kafka_partition',
    'kafka_offset',
    'data',
  ] as const;
  const raw: BenchCase = {
    name: 'pg: multi-row INSERT, 500 rows per statement and transaction',
    unit: 'rows',
    async run(progress) {
      const schema = await fresh(async (tx, schema) => {
        await sql`
          CREATE TABLE ${sql.id(schema, 'rows')} (
            event_id text PRIMARY KEY, order_id text NOT NULL, type text NOT NULL,
            source text NOT NULL, occurred_at timestamptz NOT NULL,
            correlation_id text, causation_id text, traceparent text,
            topic text NOT NULL, kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL,
            data jsonb NOT NULL)`.execute(tx);
      });
      const table = sql.id(schema, 'rows');
      return timed(
        schema,
        async (done) => {
          let n = 0;
          for (const batch of batches) {
            const rows = batch.map((event) => {
              const r = eventRecord(event);
              return sql`(${sql.join(columns.map((c) => (c === 'data' ? JSON.stringify(r.data) : r[c])))})`;
            });
            await db.transaction().execute(async (tx) => {
              await sql`INSERT INTO ${table} (${sql.raw(columns.join(', '))}) VALUES ${sql.join(rows)}`.execute(
                tx,
              );
            });
            done((n += batch.length));
          }
        },
        progress,
      );
    },
  };

  const projection: BenchCase = {
    name: 'projection statements: ≤500 mixed events per transaction',
    unit: 'events',
    baseline: raw.name,
    async run(progress) {
      const schema = await fresh((tx, schema) => analyticsProjection.createTables(tx, schema));
      const [handler] = analyticsProjection.handlers(schema);
      const handleBatch = handler?.handleBatch?.bind(handler);
      if (!handleBatch) throw new Error('the analytics projection has no handleBatch');
      return timed(
        schema,
        async (done) => {
          let n = 0;
          for (const batch of batches) {
            await db.transaction().execute((tx) => handleBatch(batch, tx));
            done((n += batch.length));
          }
        },
        progress,
      );
    },
  };

  return { cases: [raw, projection], close };
}

export const projectionBenchmark: Benchmark = {
  description:
    'analytics read model: projection statements (≤ 500 mixed saga events per transaction) beside a multi-row INSERT',
  prepare: (stack) => projectionCases(stack),
};
