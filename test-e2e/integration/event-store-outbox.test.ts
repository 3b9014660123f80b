/**
 * The event store and the outbox together, as a service uses them: a command's events and its
 * integration messages are written in one transaction (handleCommand + afterAppend → enqueue), and
 * the relay ships the messages to Kafka in per-order sequence, carrying the events' metadata.
 */
import { handleCommand, eventStoreMigrations, readStream, type Decider, type Event } from '@acme/event-store';
import { enqueue, OutboxRelay, outboxMigrations } from '@acme/outbox';
import { connect, migrate } from '@acme/postgres';
import {
  consumeUntil,
  createTopic,
  deleteTopics,
  scratchDatabase,
  testStack,
  type ScratchDatabase,
} from '@acme/testing';
import { Kafka, logLevel } from 'kafkajs';
import { sql, type Kysely } from 'kysely';

type OrderEvent = Event<'LinePlaced', { sku: string; quantity: number }>;
const orders: Decider<number, { sku: string; quantity: number }, OrderEvent> = {
  streamType: 'order',
  eventTypes: ['LinePlaced'],
  initialState: () => 0,
  evolve: (lines) => lines + 1,
  decide: (command) => [{ type: 'LinePlaced', data: command }],
};

let scratch: ScratchDatabase;
let db: Kysely<unknown>;
let kafka: Kafka;
let topic: string;
let relay: OutboxRelay;

beforeAll(async () => {
  const stack = testStack();
  scratch = await scratchDatabase(stack, 'orders_it');
  db = connect({ url: scratch.url, max: 8 });
  await migrate(db, eventStoreMigrations, outboxMigrations);
  kafka = new Kafka({ clientId: 'it', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  topic = await createTopic(kafka, 'it.order.events', 3);
  relay = new OutboxRelay({ name: 'it-order', databaseUrl: scratch.url, kafka });
  relay.start();
});

afterAll(async () => {
  await relay.stop();
  await deleteTopics(kafka, [topic]);
  await db.destroy();
  await scratch.drop();
});

const place = (orderId: string, quantity: number, afterAppend = toOutbox) =>
  handleCommand(db, {
    decider: orders,
    streamId: `order-${orderId}`,
    command: { sku: `sku-${quantity}`, quantity },
    correlationId: `corr-${orderId}`,
    afterAppend,
  });

/** What the service publishes for each stored event: key = order, headers from the event's metadata. */
const toOutbox: NonNullable<Parameters<typeof handleCommand>[1]['afterAppend']> = async (tx, { events }) => {
  await enqueue(
    tx,
    events.map((e) => ({
      topic,
      key: e.streamId,
      headers: {
        ce_type: `com.acme.order.${e.type}.v1`,
        ce_id: String(e.globalPosition),
        correlationid: e.metadata.correlationId,
        version: String(e.version),
      },
      payload: Buffer.from(JSON.stringify(e.data)),
    })),
  );
};

it('publishes every stored event once committed, in order per order id, with its metadata', async () => {
  // 10 orders × 5 lines, the orders concurrently.
  await Promise.all(
    Array.from({ length: 10 }, async (_, order) => {
      for (let line = 1; line <= 5; line++) await place(`o${order}`, line);
    }),
  );
  const messages = await consumeUntil(
    kafka,
    topic,
    (m) => new Set(m.map((x) => x.headers?.ce_id?.toString())).size >= 50,
  );
  const byOrder = new Map<string, number[]>();
  for (const m of messages) {
    const key = m.key?.toString() ?? '';
    const version = Number(m.headers?.version?.toString());
    const seen = byOrder.get(key) ?? [];
    if (!seen.includes(version)) byOrder.set(key, [...seen, version]);
    expect(m.headers?.correlationid?.toString()).toBe(`corr-${key.replace('order-', '')}`);
  }
  expect(byOrder.size).toBe(10);
  for (const versions of byOrder.values()) expect(versions).toEqual([1, 2, 3, 4, 5]);

  const stored = await readStream(db, 'order-o3');
  expect(stored.map((e) => e.data)).toEqual([1, 2, 3, 4, 5].map((q) => ({ sku: `sku-${q}`, quantity: q })));
});

it('writes neither events nor messages when the outbox step fails', async () => {
  const count = async () =>
    (
      await sql<{ events: string; outbox: string }>`
        SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM outbox) AS outbox`.execute(db)
    ).rows[0];
  const before = await count();
  await expect(
    place('o-bad', 1, async (tx, outcome) => {
      await toOutbox(tx, outcome);
      throw new Error('crash after enqueue, before commit');
    }),
  ).rejects.toThrow('crash after enqueue');
  expect(await count()).toEqual(before);
  expect(await readStream(db, 'order-o-bad')).toEqual([]);
});
