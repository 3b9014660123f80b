/**
 * `pnpm --filter @acme/messaging bench consumer`: the consumer runtime reading a backlog of
 * OrderPlaced v2 events (Avro values, CloudEvents headers) beside a bare kafkajs consumer reading
 * the same topic in the same run. Every run is a fresh consumer group reading the whole topic from
 * the beginning; the clock runs from its first batch (joining the group is not throughput, and is
 * shown apart) until every message is handled — for the runtime, until every handler row is
 * committed.
 */
import { randomUUID } from 'node:crypto';
import { connect, migrate, type MigrationSet } from '@acme/postgres';
import {
  createTopic,
  deleteTopics,
  eventually,
  scratchDatabase,
  withDeadline,
  type TestStack,
} from '@acme/testing';
import { median, type BenchCase, type Benchmark } from '@acme/testing/bench';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Consumer, type ConsumerConfig, type Message } from 'kafkajs';
import { sql, type ColumnType, type Generated, type Kysely, type Transaction } from 'kysely';
import { Registry } from 'prom-client';
import type { OrderPlacedV2 } from '@acme/contracts';
import {
  AvroCodec,
  dlqTopic,
  EventPublisher,
  MessageConsumer,
  messagingMigrations,
  replayTopic,
  startCause,
  type Handler,
  type InboundEvent,
  type MessagingDatabase,
} from '../src/index.js';
import { benchContract, deleteSubjects, orderData, orderPlaced } from './fixture.js';

export interface ConsumerBenchSizes {
  /** Messages on the topic; every run reads all of them. */
  messages: number;
  keys: number;
  partitions: number;
  /** Messages per transaction of the batch case. */
  batchSize: number;
  /** Partitions consumed at the same time, by the runtime (its default) and the raw consumer alike. */
  concurrency: number;
}

export const defaultSizes: ConsumerBenchSizes = {
  messages: 20_000,
  keys: 1000,
  partitions: 3,
  batchSize: 500,
  concurrency: 3,
};

interface BenchDatabase extends MessagingDatabase {
  /** What the handler writes: one row per order placed. */
  bench_orders: {
    id: Generated<bigint>;
    order_id: string;
    event_id: string;
    total_minor: ColumnType<bigint, number, never>;
  };
}

const benchMigrations: MigrationSet = {
  name: 'messaging_bench',
  migrations: {
    '0001_bench_orders': {
      async up(db) {
        await sql`CREATE TABLE bench_orders (
          id bigserial PRIMARY KEY, order_id text NOT NULL, event_id text NOT NULL,
          total_minor bigint NOT NULL)`.execute(db);
      },
    },
  },
};

const now = () => process.hrtime.bigint();
const secondsBetween = (from: bigint, to: bigint) => Number(to - from) / 1e9;

/** A promise opened from outside (Promise.withResolvers is newer than Node 20). */
function latch(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    promise,
    open: () => {
      open();
    },
  };
}

/** What one run's kafkajs consumer did, from its instrumentation events. */
interface Wire {
  firstBatchAt?: bigint;
  /** Requests to the broker by API (Fetch, OffsetCommit, Heartbeat…): how many, and ms spent. */
  requests: Map<string, { count: number; ms: number }>;
}

function observe(consumer: Consumer): Wire {
  const wire: Wire = { requests: new Map() };
  consumer.on(consumer.events.START_BATCH_PROCESS, () => {
    wire.firstBatchAt ??= now();
  });
  consumer.on(consumer.events.REQUEST, ({ payload }) => {
    const r = wire.requests.get(payload.apiName) ?? { count: 0, ms: 0 };
    r.count += 1;
    r.ms += payload.duration;
    wire.requests.set(payload.apiName, r);
  });
  return wire;
}

/** `kafka`, except that each consumer it makes is handed to `made` (the runtime's is private). */
function observedKafka(kafka: Kafka, made: (consumer: Consumer) => void): Kafka {
  return new Proxy(kafka, {
    get(target, property) {
      if (property === 'consumer')
        return (config: ConsumerConfig) => {
          const consumer = target.consumer(config);
          made(consumer);
          return consumer;
        };
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Figures a rate table cannot hold, per run. */
interface RunStats {
  /** start() (or connect) → first batch: joining the group, and the runtime's own start-up. */
  startup: number;
  /** start() → all handled. */
  total: number;
  measured: number;
  wire: Wire;
  /** Runtime only: transactions, and the seconds spent in them (summed over partitions). */
  transactions?: number;
  txSeconds?: number;
}

export async function consumerCases(
  stack: TestStack,
  sizes: ConsumerBenchSizes = defaultSizes,
  report: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ cases: BenchCase[]; close(): Promise<void> }> {
  // Undone in reverse at the end, or as far as it got when setting up fails.
  const undo: (() => Promise<unknown>)[] = [];
  const cleanUp = async () => {
    for (const step of undo.splice(0).reverse())
      await step().catch((error: unknown) => {
        report(`clean-up: ${String(error)}`);
      });
  };
  const groups: string[] = [];
  const runtimeGroups: string[] = [];

  const scratch = await scratchDatabase(stack, 'messaging_bench');
  undo.push(() => scratch.drop());
  const db: Kysely<BenchDatabase> = connect<BenchDatabase>({
    url: scratch.url,
    max: 8,
    applicationName: 'messaging-bench',
  });
  undo.push(() => db.destroy());
  const kafka = new Kafka({
    clientId: 'messaging-bench',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  let topic: string;
  let codec: AvroCodec;
  try {
    await migrate(db, messagingMigrations, benchMigrations);
    topic = await createTopic(kafka, 'bench.messaging', sizes.partitions);
    const contract = benchContract(topic);
    undo.push(
      () => deleteSubjects(stack.schemaRegistryUrl, [contract.subject]),
      () => deleteTopics(kafka, [topic]),
      // Every runtime group made a DLQ and a replay topic; every group is deleted with its offsets.
      () =>
        deleteTopics(
          kafka,
          runtimeGroups.flatMap((g) => [dlqTopic(g), replayTopic(g)]),
        ),
      () => deleteGroups(kafka, groups),
    );
    codec = new AvroCodec(new SchemaRegistry({ host: stack.schemaRegistryUrl }), [contract]);
    await codec.prepare([orderPlaced]);
    await produceBacklog(
      kafka,
      topic,
      new EventPublisher(codec, [contract], { source: '/acme/order' }),
      sizes,
      report,
    );
  } catch (error) {
    await cleanUp();
    throw error;
  }

  const stats = new Map<string, RunStats[]>();
  const record = (name: string, run: RunStats) => {
    stats.set(name, [...(stats.get(name) ?? []), run]);
  };
  const group = (label: string) => {
    const g = `bench.messaging.${label}.${randomUUID().slice(0, 8)}`;
    groups.push(g);
    return g;
  };
  const deadlineMs = 300_000;

  const raw: BenchCase = {
    name: 'kafkajs: eachBatch no-op, resolve + commit',
    unit: 'messages',
    async run(progress) {
      const consumer = kafka.consumer({
        groupId: group('raw'),
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 1_000,
      });
      const wire = observe(consumer);
      const all = latch();
      let seen = 0;
      let endedAt = 0n;
      const started = now();
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: sizes.concurrency,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            for (const message of payload.batch.messages) {
              payload.resolveOffset(message.offset);
              seen += 1;
            }
            progress(Math.min(seen, sizes.messages), sizes.messages);
            if (seen >= sizes.messages && endedAt === 0n) {
              endedAt = now();
              all.open();
            }
            await payload.commitOffsetsIfNecessary();
            await payload.heartbeat();
          },
        });
        await withDeadline(all.promise, deadlineMs, `reading ${String(sizes.messages)} messages`);
      } finally {
        await consumer.disconnect();
      }
      const firstBatchAt = wire.firstBatchAt ?? started;
      const measured = secondsBetween(firstBatchAt, endedAt);
      record(raw.name, {
        startup: secondsBetween(started, firstBatchAt),
        total: secondsBetween(started, endedAt),
        measured,
        wire,
      });
      return { ops: sizes.messages, seconds: measured };
    },
  };

  /** Rows the handler committed; with no handler rows, the inbox rows the runtime committed. */
  const countRows = async (table: 'bench_orders' | 'inbox') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /**
   * `row`: the handler inserts a row per message; `set`: one insert per run of messages
   * (handleBatch); `inbox`: the handler writes nothing — the runtime's own cost, inbox and
   * transaction included.
   */
  type Work = 'row' | 'set' | 'inbox';
  const runtime = (name: string, batchSize: number, work: Work = 'row'): BenchCase => ({
    name,
    unit: 'messages',
    baseline: raw.name,
    async run(progress) {
      // Same table sizes in every round; the inbox is per group anyway.
      await sql`TRUNCATE bench_orders, inbox`.execute(db);
      const groupId = group(`runtime${String(batchSize)}${work}`);
      const table = work === 'inbox' ? 'inbox' : 'bench_orders';
      runtimeGroups.push(groupId);
      const all = latch();
      const transactions = new WeakSet<Transaction<BenchDatabase>>();
      let transactionCount = 0;
      let calls = 0;
      const seen = (tx: Transaction<BenchDatabase>, n: number) => {
        if (!transactions.has(tx)) {
          transactions.add(tx);
          transactionCount += 1;
        }
        calls += n;
        if (calls % 100 < n || calls >= sizes.messages)
          progress(Math.min(calls, sizes.messages), sizes.messages);
        if (calls >= sizes.messages) all.open();
      };
      const row = (event: InboundEvent<OrderPlacedV2>) => ({
        order_id: event.data.orderId,
        event_id: event.envelope.id,
        total_minor: event.data.totalMinor,
      });
      const handler: Handler<BenchDatabase, OrderPlacedV2> = {
        type: orderPlaced,
        async handle(event, tx) {
          await tx.insertInto('bench_orders').values(row(event)).execute();
          seen(tx, 1);
        },
        ...(work === 'set'
          ? {
              // A projection's way: the whole run of events in one statement.
              async handleBatch(events, tx) {
                await tx.insertInto('bench_orders').values(events.map(row)).execute();
                seen(tx, events.length);
              },
            }
          : {}),
        ...(work === 'inbox'
          ? {
              handleBatch(events, tx) {
                seen(tx, events.length);
                return Promise.resolve();
              },
            }
          : {}),
      };
      let wire: Wire = { requests: new Map() };
      const metrics = new Registry();
      const consumer = new MessageConsumer<BenchDatabase>({
        kafka: observedKafka(kafka, (c) => {
          wire = observe(c);
        }),
        groupId,
        topics: [topic],
        db,
        codec,
        handlers: [handler],
        batchSize,
        partitionsConsumedConcurrently: sizes.concurrency,
        metrics,
      });
      const started = now();
      let endedAt: bigint;
      try {
        await consumer.start();
        await withDeadline(all.promise, deadlineMs, `handling ${String(sizes.messages)} messages`);
        // The handler ran for every message; done once the last transaction has committed too.
        await eventually(async () => ((await countRows(table)) >= sizes.messages ? true : undefined), {
          timeoutMs: 30_000,
          intervalMs: 2,
          description: `${String(sizes.messages)} rows committed`,
        });
        endedAt = now();
      } finally {
        await consumer.stop();
      }
      const rows = await countRows(table);
      if (rows !== sizes.messages)
        throw new Error(`expected ${String(sizes.messages)} rows, found ${String(rows)}`);
      const durations = await metrics.getSingleMetric('messaging_handler_duration_seconds')?.get();
      const txSeconds = (durations?.values ?? [])
        .filter((v) => 'metricName' in v && v.metricName === 'messaging_handler_duration_seconds_sum')
        .reduce((sum, v) => sum + v.value, 0);
      const firstBatchAt = wire.firstBatchAt ?? started;
      const measured = secondsBetween(firstBatchAt, endedAt);
      record(name, {
        startup: secondsBetween(started, firstBatchAt),
        total: secondsBetween(started, endedAt),
        measured,
        wire,
        transactions: transactionCount,
        txSeconds,
      });
      return { ops: sizes.messages, seconds: measured };
    },
  });

  const cases = [
    raw,
    runtime('runtime: inbox + insert, 1 message per tx', 1),
    runtime(`runtime: inbox + insert, ≤${String(sizes.batchSize)} messages per tx`, sizes.batchSize),
    runtime(
      `runtime: inbox + handleBatch (one insert), ≤${String(sizes.batchSize)} messages per tx`,
      sizes.batchSize,
      'set',
    ),
    runtime(
      `runtime: inbox only (no-op handler), ≤${String(sizes.batchSize)} messages per tx`,
      sizes.batchSize,
      'inbox',
    ),
  ];

  return {
    cases,
    async close() {
      if (stats.size > 0) report(`\n${detailTable(cases, stats, sizes)}`);
      await cleanUp();
    },
  };
}

/** The backlog every run reads: one OrderPlaced per message, as the order service's relay ships it. */
async function produceBacklog(
  kafka: Kafka,
  topic: string,
  events: EventPublisher,
  sizes: ConsumerBenchSizes,
  report: (line: string) => void,
): Promise<void> {
  const keys = Array.from({ length: sizes.keys }, () => randomUUID());
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const producing = now();
  let valueBytes = 0;
  let headerBytes = 0;
  try {
    for (let done = 0; done < sizes.messages;) {
      const messages: Message[] = [];
      for (const end = Math.min(sizes.messages, done + 1000); done < end; done++) {
        const key = keys[done % keys.length] ?? '';
        const m = events.toMessage({
          type: orderPlaced,
          subject: key,
          data: orderData(key, done),
          cause: startCause(randomUUID()),
        });
        valueBytes += m.payload.length;
        for (const [name, value] of Object.entries(m.headers)) headerBytes += name.length + value.length;
        messages.push({ key: m.key, value: m.payload, headers: m.headers });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  report(
    `${sizes.messages.toLocaleString('en-US')} messages on ${topic} (${String(sizes.partitions)} partitions, ` +
      `${String(sizes.keys)} keys): Avro values of ${(valueBytes / sizes.messages).toFixed(0)} B, ` +
      `CloudEvents headers of ${(headerBytes / sizes.messages).toFixed(0)} B; ` +
      `produced in ${secondsBetween(producing, now()).toFixed(1)} s`,
  );
}

async function deleteGroups(kafka: Kafka, groups: readonly string[]): Promise<void> {
  if (groups.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([...groups]);
  } finally {
    await admin.disconnect();
  }
}

/** Medians over the rounds of what each run did besides its rate: start-up, transactions, requests. */
function detailTable(
  cases: readonly BenchCase[],
  stats: ReadonlyMap<string, RunStats[]>,
  sizes: ConsumerBenchSizes,
): string {
  const header = [
    'case (medians over rounds)',
    'start()→1st batch',
    'msg/s from start()',
    'tx',
    'ms per tx',
    'in tx',
    'OffsetCommit',
    'Heartbeat',
    'Fetch',
  ];
  const rows = cases.map((c) => {
    const runs = stats.get(c.name) ?? [];
    const m = (pick: (r: RunStats) => number | undefined) => {
      const values = runs.map(pick).filter((v): v is number => v !== undefined);
      return values.length === 0 ? undefined : median(values);
    };
    const requests = (api: string) => m((r) => r.wire.requests.get(api)?.count ?? 0);
    const tx = m((r) => r.transactions);
    const msPerTx = m((r) =>
      r.transactions && r.txSeconds !== undefined ? (1000 * r.txSeconds) / r.transactions : undefined,
    );
    // Transaction time over the time the partition workers had: near 100% means the database is the bottleneck.
    const inTx = m((r) =>
      r.txSeconds === undefined ? undefined : r.txSeconds / (r.measured * sizes.concurrency),
    );
    const fmt = (v: number | undefined, digits = 0) =>
      v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits });
    return [
      c.name,
      `${fmt(m((r) => r.startup * 1000))} ms`,
      fmt(m((r) => sizes.messages / r.total)),
      fmt(tx),
      fmt(msPerTx, 2),
      inTx === undefined ? '–' : `${(100 * inTx).toFixed(0)}%`,
      fmt(requests('OffsetCommit')),
      fmt(requests('Heartbeat')),
      fmt(requests('Fetch')),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
    `"in tx": time inside the runtime's transactions (messaging_handler_duration_seconds, summed) ` +
      `over ${String(sizes.concurrency)} partitions × measured time. Requests are the kafkajs consumer's, per run.`,
  ].join('\n');
}

export const consumerBenchmark: Benchmark = {
  description:
    'consumer runtime (inbox + handler row, per message and batched transactions) beside a raw kafkajs consumer',
  prepare: (stack) => consumerCases(stack),
};
