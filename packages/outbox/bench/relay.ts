/**
 * `pnpm --filter @acme/outbox bench relay`: the relay draining a backlog beside a bare kafkajs
 * idempotent producer sending the same messages in the same run, and commit→Kafka-ack latency at a
 * steady 1,000 single-message transactions per second.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, migrate } from '@acme/postgres';
import { createTopic, deleteTopics, scratchDatabase, type TestStack } from '@acme/testing';
import { median, percentile, type BenchCase, type Benchmark } from '@acme/testing/bench';
import { Kafka, logLevel, type Message } from 'kafkajs';
import type { Kysely } from 'kysely';
import {
  enqueue,
  OutboxRelay,
  outboxMigrations,
  type OutboxDatabase,
  type OutboxMessage,
} from '../src/index.js';

export interface RelayBenchSizes {
  /** Messages per throughput run. */
  messages: number;
  /** Relay batch size, and the raw producer's messages per request. */
  batch: number;
  keys: number;
  /** Latency run: transactions per second, and for how long. */
  rate: number;
  seconds: number;
}

export const defaultSizes: RelayBenchSizes = {
  messages: 20_000,
  batch: 500,
  keys: 1000,
  rate: 1000,
  seconds: 5,
};

/** 256 bytes: roughly an Avro-encoded order event. */
const payload = Buffer.alloc(256, 'x');
const headers = {
  ce_type: 'com.acme.order.placed.v1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

/** Figures a rate table cannot hold: per-round latency percentiles of the steady-rate case. */
export interface LatencyRound {
  p50: number;
  p99: number;
  max: number;
}

/** Until `done()` holds, re-checked on each `event` of the relay; fails after `ms`. */
async function until(
  relay: OutboxRelay,
  done: () => boolean,
  event: 'state' | 'published',
  ms: number,
): Promise<void> {
  const signal = AbortSignal.timeout(ms);
  while (!done()) await once(relay, event, { signal });
}

export async function relayCases(
  stack: TestStack,
  sizes: RelayBenchSizes = defaultSizes,
  report: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ cases: BenchCase[]; close(): Promise<void>; latency: LatencyRound[] }> {
  const scratch = await scratchDatabase(stack, 'outbox_bench');
  const db: Kysely<OutboxDatabase> = connect<OutboxDatabase>({
    url: scratch.url,
    max: 8,
    applicationName: 'outbox-bench',
  });
  await migrate(db, outboxMigrations);

  const kafka = new Kafka({
    clientId: 'outbox-bench',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = await createTopic(kafka, 'bench.outbox', 6);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();

  const relay = new OutboxRelay({
    name: `bench-${scratch.name}`,
    databaseUrl: scratch.url,
    kafka,
    batchSize: sizes.batch,
  });
  // Ack times are kept only while the latency case runs: bookkeeping of the harness, not the relay.
  const ackedAt = new Map<bigint, bigint>();
  let timingAcks = false;
  let published = 0;
  relay.on('published', (positions) => {
    published += positions.length;
    if (!timingAcks) return;
    const now = process.hrtime.bigint();
    for (const p of positions) ackedAt.set(p, now);
  });
  relay.start();
  await until(relay, () => relay.isActive, 'state', 30_000);

  const message = (i: number): OutboxMessage => ({
    topic,
    key: `order-${String(i % sizes.keys)}`,
    headers,
    payload,
  });

  const raw: BenchCase = {
    name: 'kafkajs: idempotent producer, sendBatch',
    unit: 'messages',
    async run(progress) {
      for (let done = 0; done < sizes.messages; done += sizes.batch) {
        const messages: Message[] = [];
        for (let i = done; i < Math.min(done + sizes.batch, sizes.messages); i++) {
          const m = message(i);
          messages.push({ key: m.key, value: m.payload, headers: m.headers });
        }
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
        progress(done + messages.length, sizes.messages);
      }
      return sizes.messages;
    },
  };

  const drain: BenchCase = {
    name: 'outbox relay: drain a backlog',
    unit: 'messages',
    baseline: raw.name,
    async run(progress) {
      // The backlog commits in one transaction, so the clock starts with every row visible at once.
      const target = published + sizes.messages;
      await db.transaction().execute((tx) =>
        enqueue(
          tx,
          Array.from({ length: sizes.messages }, (_, i) => message(i)),
        ),
      );
      const started = process.hrtime.bigint();
      await until(
        relay,
        () => {
          progress(published - (target - sizes.messages), sizes.messages);
          return published >= target;
        },
        'published',
        120_000,
      );
      return { ops: sizes.messages, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    },
  };

  const latency: LatencyRound[] = [];
  const steady: BenchCase = {
    name: `outbox relay: ${String(sizes.rate)} tx/s, commit→ack`,
    unit: 'events',
    async run(progress) {
      const total = sizes.rate * sizes.seconds;
      const committedAt = new Map<bigint, bigint>();
      ackedAt.clear();
      timingAcks = true;
      const tickMs = 10;
      const perTick = Math.max(1, Math.round((sizes.rate * tickMs) / 1000));
      const started = process.hrtime.bigint();
      const writes: Promise<void>[] = [];
      let sent = 0;
      // Ticks on the wall clock: a slow tick does not slow the rate down, it bunches the next one.
      while (sent < total) {
        const due = Math.min(
          total,
          Math.floor((Number(process.hrtime.bigint() - started) / 1e6 / tickMs + 1) * perTick),
        );
        for (; sent < due; sent++) {
          const i = sent;
          writes.push(
            enqueue(db, [message(i)]).then(([position]) => {
              if (position !== undefined) committedAt.set(position, process.hrtime.bigint());
            }),
          );
        }
        progress(sent, total);
        await sleep(tickMs);
      }
      await Promise.all(writes);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      await until(relay, () => [...committedAt.keys()].every((p) => ackedAt.has(p)), 'published', 60_000);
      timingAcks = false;
      const latencies = [...committedAt]
        .map(([p, at]) => Number((ackedAt.get(p) ?? at) - at) / 1e6)
        .sort((a, b) => a - b);
      const round = {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? 0,
      };
      latency.push(round);
      report(
        `  commit→ack: p50 ${round.p50.toFixed(1)} ms, p99 ${round.p99.toFixed(1)} ms, max ${round.max.toFixed(1)} ms`,
      );
      return { ops: total, seconds };
    },
  };

  return {
    cases: [raw, drain, steady],
    latency,
    async close() {
      if (latency.length > 0) {
        report(
          `\ncommit→Kafka-ack at ${String(sizes.rate)} tx/s, median over ${String(latency.length)} rounds: ` +
            `p50 ${median(latency.map((l) => l.p50)).toFixed(1)} ms, p99 ${median(latency.map((l) => l.p99)).toFixed(1)} ms`,
        );
      }
      await relay.stop();
      await producer.disconnect();
      await deleteTopics(kafka, [topic]);
      await db.destroy();
      await scratch.drop();
    },
  };
}

export const relayBenchmark: Benchmark = {
  description:
    'outbox relay draining a backlog beside a raw kafkajs idempotent producer; commit→ack latency at 1k tx/s',
  prepare: (stack) => relayCases(stack),
};
