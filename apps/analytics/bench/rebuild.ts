/**
 * `pnpm bench rebuild`: a blue/green rebuild of the analytics read model over a backlog of whole
 * sagas (≥ 100k events on the three topics), beside a bare kafkajs consumer reading the same
 * topics in the same run. A rebuild is timed from `rebuild()` to the switch — joining the new
 * consumer group, decoding, projecting, committing and the switch itself included.
 */
import { randomUUID } from 'node:crypto';
import { contracts, contractUpcasters, type EventType } from '@acme/contracts';
import { AvroCodec, ensureTopics, EventPublisher, messagingMigrations, startCause } from '@acme/messaging';
import { connect, migrate } from '@acme/postgres';
import { ProjectionHost, projectionMigrations } from '@acme/projections';
import { deleteTopicsWithPrefix, scratchDatabase, withDeadline, type TestStack } from '@acme/testing';
import type { BenchCase, Benchmark } from '@acme/testing/bench';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { analyticsProjection } from '../src/read-model/projection.js';
import type { AnalyticsDatabase } from '../src/read-model/tables.js';

export interface RebuildBenchSizes {
  /** Orders in the backlog; each is a whole saga of 4 to 7 events. */
  orders: number;
  partitions: number;
}

export const defaultSizes: RebuildBenchSizes = { orders: 25_000, partitions: 6 };

const topics = ['order.events', 'inventory.events', 'payment.events'] as const;
const skus = ['SKU-004711-RED-M', 'SKU-010042-BLUE-XL', 'SKU-133700-GREEN-S', 'SKU-200001-BLACK-L'];
const start = Date.parse('2026-11-23T09:00:00Z');

export interface Produced {
  type: EventType;
  subject: string;
  data: unknown;
}

/** The events of order `n`: mostly confirmed, some out of stock, some declined, some cancelled later. */
export function saga(n: number): Produced[] {
  const orderId = `bench-${String(n).padStart(7, '0')}`;
  const at = start + n * 40; // 25 orders a second: the backlog spans many minutes
  const lines = [0, 1].map((i) => ({
    sku: skus[(n + i) % skus.length] ?? '',
    quantity: 1 + ((n + i) % 3),
    unitPriceMinor: [1999, 4550, 12900, 899][(n + i) % 4] ?? 0,
  }));
  const totalMinor = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
  const stock = lines.map(({ sku, quantity }) => ({ sku, quantity }));
  const e = (type: EventType, data: object): Produced => ({
    type,
    subject: orderId,
    data: { orderId, ...data },
  });
  const placed = e('com.acme.order.placed.v2', {
    customer: {
      id: `customer-${String(n % 5_000)}`,
      email: `c${String(n % 5_000)}@mail.example.com`,
      name: null,
    },
    lines,
    currency: 'EUR',
    totalMinor,
    paymentToken: 'tok_ok',
    placedAt: at,
    deadlineAt: at + 30_000,
  });
  if (n % 10 === 3)
    return [
      placed,
      e('com.acme.inventory.stock-insufficient.v1', {
        shortages: [{ sku: lines[0]?.sku ?? '', requested: 3, available: 1 }],
      }),
      e('com.acme.order.cancelled.v1', { reason: 'STOCK_INSUFFICIENT', detail: null, cancelledAt: at + 60 }),
    ];
  const reserved = e('com.acme.inventory.stock-reserved.v1', { lines: stock, reservedAt: at + 30 });
  const released = e('com.acme.inventory.stock-released.v1', { lines: stock, releasedAt: at + 400 });
  if (n % 10 === 7)
    return [
      placed,
      reserved,
      e('com.acme.payment.failed.v1', { code: 'card_declined', reason: 'declined', failedAt: at + 90 }),
      e('com.acme.order.cancelled.v1', {
        reason: 'PAYMENT_FAILED',
        detail: 'declined',
        cancelledAt: at + 120,
      }),
      released,
    ];
  const paymentId = `pay-${String(n)}`;
  const charged = e('com.acme.payment.charged.v1', {
    paymentId,
    amountMinor: totalMinor,
    currency: 'EUR',
    chargedAt: at + 90,
  });
  const confirmed = e('com.acme.order.confirmed.v1', { confirmedAt: at + 120, paymentId });
  if (n % 20 === 11)
    return [
      placed,
      reserved,
      charged,
      confirmed,
      e('com.acme.order.cancelled.v1', { reason: 'CUSTOMER_REQUEST', detail: null, cancelledAt: at + 300 }),
      released,
      e('com.acme.payment.refunded.v1', {
        paymentId,
        amountMinor: totalMinor,
        currency: 'EUR',
        refundedAt: at + 500,
      }),
    ];
  return [placed, reserved, charged, confirmed];
}

export async function rebuildCases(
  stack: TestStack,
  sizes: RebuildBenchSizes = defaultSizes,
  report: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ cases: BenchCase[]; close(): Promise<void> }> {
  const prefix = `bench-rebuild-${randomUUID().slice(0, 8)}.`;
  const scratch = await scratchDatabase(stack, 'analytics_bench');
  const db = connect<AnalyticsDatabase>({ url: scratch.url, max: 8, applicationName: 'rebuild-bench' });
  const kafka = new Kafka({
    clientId: 'rebuild-bench',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const all = Object.values(contracts).map((c) => ({ ...c, topic: prefix + c.topic }));
  const registryUrl = stack.schemaRegistryUrl;
  const codec = new AvroCodec(new SchemaRegistry({ host: registryUrl }), all);
  const subjects = all.map((c) => c.subject);
  const groups: string[] = [];
  const state: { host?: ProjectionHost<AnalyticsDatabase> } = {};
  const close = async () => {
    await state.host?.stop();
    await db.destroy();
    await deleteTopicsWithPrefix(kafka, prefix).catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
    for (const subject of subjects) {
      const url = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
      await fetch(url, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
    }
    await scratch.drop();
  };

  let total = 0;
  const live = await (async () => {
    try {
      await migrate(db, messagingMigrations, projectionMigrations);
      const admin = kafka.admin();
      await admin.connect();
      await ensureTopics(
        admin,
        topics.map((t) => ({ topic: prefix + t, partitions: sizes.partitions })),
      );
      await admin.disconnect();
      await codec.prepare(Object.keys(contracts));
      total = await produceBacklog(
        kafka,
        new EventPublisher(codec, all, { source: '/acme/bench' }),
        sizes,
        report,
      );
      // The serving generation: built once (it is the live read model), before any round.
      const host = new ProjectionHost<AnalyticsDatabase>({
        spec: analyticsProjection,
        db,
        kafka,
        codec,
        upcasters: contractUpcasters.steps,
        prefix,
        pollIntervalMs: 100,
        dropGraceMs: 0,
      });
      state.host = host;
      const building = Date.now();
      await host.start();
      await withDeadline(caughtUp(host, 1), 600_000, 'the first generation to read the backlog');
      report(`first generation built in ${((Date.now() - building) / 1000).toFixed(1)} s`);
      return host;
    } catch (error) {
      await close();
      throw error;
    }
  })();

  const raw: BenchCase = {
    name: 'kafkajs: read the three topics, no-op, resolve + commit',
    unit: 'events',
    async run(progress) {
      const groupId = `${prefix}raw.${randomUUID().slice(0, 8)}`;
      groups.push(groupId);
      const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
      let seen = 0;
      let done: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const started = process.hrtime.bigint();
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: topics.map((t) => prefix + t), fromBeginning: true });
        await consumer.run({
          partitionsConsumedConcurrently: 3,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            for (const message of payload.batch.messages) payload.resolveOffset(message.offset);
            seen += payload.batch.messages.length;
            progress(Math.min(seen, total), total);
            if (seen >= total) done();
            await payload.commitOffsetsIfNecessary();
            await payload.heartbeat();
          },
        });
        await withDeadline(finished, 600_000, `reading ${String(total)} events`);
      } finally {
        await consumer.disconnect();
      }
      return { ops: total, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    },
  };

  const rebuild: BenchCase = {
    name: 'rebuild: new generation from the beginning, projected, switched',
    unit: 'events',
    baseline: raw.name,
    async run(progress) {
      const started = process.hrtime.bigint();
      const generation = await live.rebuild();
      await withDeadline(caughtUp(live, generation.generation, progress), 600_000, 'the rebuild to switch');
      return { ops: total, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    },
  };

  return { cases: [raw, rebuild], close };
}

/** Resolves once `generation` serves; reports its progress meanwhile. */
async function caughtUp(
  host: ProjectionHost<AnalyticsDatabase>,
  generation: number,
  progress?: (done: number, total: number) => void,
): Promise<void> {
  for (;;) {
    const status = await host.status();
    if (status.active?.generation === generation && !status.building) {
      if (generation > 1 || (await firstGenerationDone(host))) return;
    }
    const p = status.building?.progress;
    if (p) progress?.(p.done, p.total);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first generation serves from the start; it is built once its group has read everything. */
async function firstGenerationDone(host: ProjectionHost<AnalyticsDatabase>): Promise<boolean> {
  return (await host.position(1)).lag === 0;
}

async function produceBacklog(
  kafka: Kafka,
  publisher: EventPublisher,
  sizes: RebuildBenchSizes,
  report: (line: string) => void,
): Promise<number> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const startedAt = Date.now();
  let count = 0;
  try {
    for (let n = 0; n < sizes.orders;) {
      const byTopic = new Map<string, Message[]>();
      for (const end = Math.min(sizes.orders, n + 500); n < end; n++)
        for (const event of saga(n)) {
          const m = publisher.toMessage({ ...event, cause: startCause(randomUUID()) });
          const list = byTopic.get(m.topic) ?? [];
          list.push({ key: m.key, value: m.payload, headers: m.headers });
          byTopic.set(m.topic, list);
          count += 1;
        }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  report(
    `${count.toLocaleString('en-US')} events of ${sizes.orders.toLocaleString('en-US')} orders on 3 topics × ` +
      `${String(sizes.partitions)} partitions, produced in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  return count;
}

export const rebuildBenchmark: Benchmark = {
  description:
    'analytics read model: blue/green rebuild over ≥ 100k saga events beside a raw kafkajs consumer',
  prepare: (stack) => rebuildCases(stack),
};
