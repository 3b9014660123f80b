/** A world for runtime tests: a database, a topic and contracts of the test file's own, on the real stack. */
import { randomUUID } from 'node:crypto';
import { connect, migrate } from '@acme/postgres';
import { createTopic, deleteTopics, scratchDatabase, testStack, type ScratchDatabase } from '@acme/testing';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sql, type Generated, type Kysely } from 'kysely';
import { Registry } from 'prom-client';
import {
  AvroCodec,
  EventPublisher,
  MessageConsumer,
  messagingMigrations,
  startCause,
  type Contract,
  type MessagingDatabase,
  type Handler,
  type MessageConsumerOptions,
  type UpcastStep,
} from '../src/index.js';

export interface Effect {
  consumer: string;
  event_id: string;
  type: string;
  data: unknown;
}

export interface TestDatabase extends MessagingDatabase {
  effects: {
    id: Generated<number>;
    consumer: string;
    event_id: string;
    type: string;
    data: unknown;
    at: Generated<Date>;
  };
}

export const thingV1 = 'com.acme.test.thing-happened.v1';
export const thingV2 = 'com.acme.test.thing-happened.v2';

export interface ThingV1 {
  orderId: string;
  amountMinor: number;
  note: string;
}
export interface ThingV2 {
  orderId: string;
  amount: { minor: number; currency: string };
  note: string;
}

/** v1 → v2 is a breaking change (a new record), lifted on read. */
export const upcasters: Record<string, UpcastStep> = {
  [thingV1]: {
    to: thingV2,
    lift: (data) => {
      const v1 = data as ThingV1;
      return { orderId: v1.orderId, amount: { minor: v1.amountMinor, currency: 'EUR' }, note: v1.note };
    },
  },
};

function contractsFor(topic: string): Contract[] {
  const v1 = {
    type: 'record',
    name: 'ThingHappened',
    namespace: 'com.acme.test',
    fields: [
      { name: 'orderId', type: 'string' },
      { name: 'amountMinor', type: 'long' },
      { name: 'note', type: 'string' },
    ],
  };
  const v2 = {
    type: 'record',
    name: 'ThingHappenedV2',
    namespace: 'com.acme.test',
    fields: [
      { name: 'orderId', type: 'string' },
      {
        name: 'amount',
        type: {
          type: 'record',
          name: 'Money',
          fields: [
            { name: 'minor', type: 'long' },
            { name: 'currency', type: 'string' },
          ],
        },
      },
      { name: 'note', type: 'string' },
    ],
  };
  return [
    { type: thingV1, topic, subject: `${topic}-com.acme.test.ThingHappened`, schema: v1 },
    { type: thingV2, topic, subject: `${topic}-com.acme.test.ThingHappenedV2`, schema: v2 },
  ];
}

export interface World {
  topic: string;
  db: Kysely<TestDatabase>;
  kafka: Kafka;
  registry: SchemaRegistry;
  codec: AvroCodec;
  events: EventPublisher;
  producer: Producer;
  contracts: Contract[];
  metrics: Registry;
  /** A consumer of the test's topic with fast retries; stopped by `close`. */
  consumer(
    handlers: Handler<TestDatabase, never>[],
    options?: Partial<MessageConsumerOptions<TestDatabase>>,
  ): Promise<MessageConsumer<TestDatabase>>;
  /** Produce a thing (v1 or v2) straight to the topic, as another service's relay would. */
  publish(event: {
    type?: string;
    key?: string;
    data?: unknown;
    id?: string;
    hops?: number;
  }): Promise<string>;
  /** A group id of the test's own (it also names the DLQ and replay topics, deleted at the end). */
  group(name: string): string;
  effects(consumer?: string): Promise<Effect[]>;
  /** A handler that records what it got. */
  recorder(consumer: string, type?: string): Handler<TestDatabase>;
  counter(name: string, labels: Record<string, string>): Promise<number>;
  stopConsumers(): Promise<void>;
  close(): Promise<void>;
}

export async function world(name: string, partitions = 3): Promise<World> {
  const s = testStack();
  const scratch: ScratchDatabase = await scratchDatabase(s, `messaging_${name}`);
  const db = connect<TestDatabase>({ url: scratch.url, max: 6 });
  await migrate(db, messagingMigrations);
  await sql`CREATE TABLE effects (
    id serial PRIMARY KEY, consumer text NOT NULL, event_id text NOT NULL, type text NOT NULL,
    data jsonb NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`.execute(db);
  const kafka = new Kafka({
    clientId: `messaging-test-${name}`,
    brokers: s.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = await createTopic(kafka, `messaging.test.${name}`, partitions);
  const registry = new SchemaRegistry({ host: s.schemaRegistryUrl });
  const contracts = contractsFor(topic);
  const codec = new AvroCodec(registry, contracts);
  await codec.prepare([thingV1, thingV2]);
  const events = new EventPublisher(codec, contracts, { source: '/acme/test' });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const metrics = new Registry();
  const consumers: MessageConsumer<TestDatabase>[] = [];
  const groups: string[] = [];
  const suffix = randomUUID().slice(0, 8);

  const w: World = {
    topic,
    db,
    kafka,
    registry,
    codec,
    events,
    producer,
    contracts,
    metrics,
    group(label) {
      const g = `test.${name}.${label}.${groups.length}.${suffix}`;
      groups.push(g);
      return g;
    },
    async consumer(handlers, options = {}) {
      const c = new MessageConsumer<TestDatabase>({
        kafka,
        groupId: w.group('c'),
        topics: [topic],
        db,
        codec,
        handlers,
        upcasters,
        backoff: { baseMs: 20, maxMs: 200 },
        maxAttempts: 4,
        metrics,
        ...options,
      });
      consumers.push(c);
      await c.start();
      return c;
    },
    async publish({ type = thingV1, key = randomUUID(), data, id, hops = 0 }) {
      const payload =
        data ??
        (type === thingV1
          ? { orderId: key, amountMinor: 100, note: 'n' }
          : { orderId: key, amount: { minor: 100, currency: 'EUR' }, note: 'n' });
      const message = events.toMessage({
        type,
        subject: key,
        data: payload,
        cause: { ...startCause(randomUUID()), hops },
        ...(id ? { id } : {}),
      });
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key, value: message.payload, headers: message.headers }],
      });
      return message.headers.ce_id ?? '';
    },
    async effects(consumer) {
      let q = db.selectFrom('effects').select(['consumer', 'event_id', 'type', 'data']).orderBy('id');
      if (consumer) q = q.where('consumer', '=', consumer);
      return q.execute();
    },
    recorder(consumer, type = thingV2) {
      return {
        type,
        handle: async (event, tx) => {
          await tx
            .insertInto('effects')
            .values({
              consumer,
              event_id: event.envelope.id,
              type: event.type,
              data: JSON.stringify(event.data),
            })
            .execute();
        },
      };
    },
    async counter(metric, labels) {
      // Summed over the series the labels select, as PromQL's sum() would (other labels, the
      // event type say, split a group's count into several series, most of them at 0).
      const values = (await metrics.getSingleMetric(metric)?.get())?.values ?? [];
      return values
        .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
        .reduce((sum, v) => sum + v.value, 0);
    },
    async stopConsumers() {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
    },
    async close() {
      await w.stopConsumers();
      await producer.disconnect();
      // Only groups that started a consumer have DLQ and replay topics: delete what exists, at once.
      const admin = kafka.admin();
      await admin.connect();
      const existing = new Set(await admin.listTopics().finally(() => admin.disconnect()));
      const ours = [topic, ...groups.flatMap((g) => [`${g}.dlq`, `${g}.replay`])];
      await deleteTopics(
        kafka,
        ours.filter((t) => existing.has(t)),
      );
      for (const c of contracts) {
        for (const permanent of ['false', 'true'])
          await fetch(
            `${s.schemaRegistryUrl}/subjects/${encodeURIComponent(c.subject)}?permanent=${permanent}`,
            {
              method: 'DELETE',
            },
          );
      }
      await db.destroy();
      await scratch.drop();
    },
  };
  return w;
}
