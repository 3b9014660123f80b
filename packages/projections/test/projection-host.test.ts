/**
 * The blue/green host on the real stack: generations in Postgres schemas, consumers on Kafka.
 * A tiny read model counts events per order; events keep flowing while it is rebuilt.
 */
import { randomUUID } from 'node:crypto';
import { contracts, type EventType } from '@acme/contracts';
import { AvroCodec, EventPublisher, messagingMigrations, startCause, type Handler } from '@acme/messaging';
import { connect, migrate } from '@acme/postgres';
import {
  deleteTopicsWithPrefix,
  eventually,
  scratchDatabase,
  testStack,
  type ScratchDatabase,
} from '@acme/testing';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { Registry } from 'prom-client';
import {
  ProjectionHost,
  projectionMigrations,
  RebuildInProgressError,
  type ProjectionHostOptions,
  type ProjectionSpec,
} from '../src/index.js';

jest.setTimeout(90_000);

interface CountsTable {
  order_id: string;
  events: number;
}
type Db = Record<string, CountsTable>;

const shipped: EventType = 'com.acme.order.shipped.v1';

/** A generation whose handlers wait until the test lets them go (a rebuild that cannot finish yet). */
const held = new Map<string, Promise<void>>();

/** One row per order, the number of its events; set-based in batches, like a real projection. */
const spec: ProjectionSpec<Db> = {
  name: 'counts',
  topics: ['order.events'],
  async createTables(tx, schema) {
    await sql`CREATE TABLE ${sql.id(schema, 'counts')} (order_id text PRIMARY KEY, events int NOT NULL)`.execute(
      tx,
    );
  },
  handlers(schema): Handler<Db, never>[] {
    const write = async (ids: string[], tx: Parameters<Handler<Db>['handle']>[1]) => {
      await held.get(schema);
      await sql`INSERT INTO ${sql.id(schema, 'counts')} (order_id, events)
        SELECT id, count(*) FROM unnest(${ids}::text[]) AS id GROUP BY id
        ON CONFLICT (order_id) DO UPDATE SET events = counts.events + excluded.events`.execute(tx);
    };
    return [
      {
        type: shipped,
        handle: (event: { data: { orderId: string } }, tx) => write([event.data.orderId], tx),
        handleBatch: (events: readonly { data: { orderId: string } }[], tx) =>
          write(
            events.map((e) => e.data.orderId),
            tx,
          ),
      },
    ];
  },
};

let scratch: ScratchDatabase;
let db: Kysely<Db>;
let kafka: Kafka;
let codec: AvroCodec;
let publisher: EventPublisher;
let producer: Producer;
const prefix = `test.projections.${randomUUID().slice(0, 8)}.`;
const hosts: ProjectionHost<Db>[] = [];
const orders = Array.from({ length: 20 }, (_, i) => `order-${String(i)}`);
let published = 0;

beforeAll(async () => {
  const stack = testStack();
  scratch = await scratchDatabase(stack, 'projections');
  db = connect<Db>({ url: scratch.url, max: 8 });
  await migrate(db, messagingMigrations, projectionMigrations);
  kafka = new Kafka({
    clientId: 'projections-test',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: `${prefix}order.events`, numPartitions: 3 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const all = Object.values(contracts).map((c) => ({ ...c, topic: prefix + c.topic }));
  codec = new AvroCodec(new SchemaRegistry({ host: stack.schemaRegistryUrl }), all);
  await codec.prepare([shipped]);
  publisher = new EventPublisher(codec, all, { source: '/acme/test' });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await producer.disconnect();
  await db.destroy();
  await deleteTopicsWithPrefix(kafka, prefix);
  await scratch.drop();
});

/** `n` events round-robin over the orders, as the order service's relay would send them. */
async function publish(n: number): Promise<void> {
  const messages = Array.from({ length: n }, () => {
    const orderId = orders[published++ % orders.length] ?? 'order-0';
    const m = publisher.toMessage({
      type: shipped,
      subject: orderId,
      data: { orderId, shippedAt: Date.now() },
      cause: startCause(randomUUID()),
    });
    return { key: orderId, value: m.payload, headers: m.headers };
  });
  await producer.send({ topic: `${prefix}order.events`, acks: -1, messages });
}

function host(options: Partial<ProjectionHostOptions<Db>> = {}): ProjectionHost<Db> {
  const h = new ProjectionHost<Db>({
    spec,
    db,
    kafka,
    codec,
    prefix,
    pollIntervalMs: 200,
    dropGraceMs: 0,
    metrics: new Registry(),
    ...options,
  });
  hosts.push(h);
  return h;
}

async function total(schema: string): Promise<number> {
  const { rows } = await sql<{
    n: string | null;
  }>`SELECT sum(events) AS n FROM ${sql.id(schema, 'counts')}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

async function schemas(): Promise<string[]> {
  const { rows } = await sql<{ nspname: string }>`
    SELECT nspname FROM pg_namespace WHERE nspname LIKE 'counts_g%' ORDER BY nspname`.execute(db);
  return rows.map((r) => r.nspname);
}

let first: ProjectionHost<Db>;
let second: ProjectionHost<Db>;

it('creates the first generation at start and projects what is on the topic and what comes after', async () => {
  await publish(300);
  first = host();
  await first.start();
  expect(first.schema()).toBe('counts_g1');
  await publish(200);
  await eventually(async () => {
    expect(await total('counts_g1')).toBe(500);
    return true;
  });
  const status = await first.status();
  expect(status.active).toMatchObject({ generation: 1, status: 'active', groupId: `${prefix}counts.g1` });
  expect(status.building).toBeUndefined();
});

it('rebuilds into a new generation while the old one serves, then switches every instance to it', async () => {
  // A second instance of the service, sharing the database and the consumer groups.
  second = host();
  await second.start();
  expect(second.schema()).toBe('counts_g1');

  // Generation 2 is held until the traffic below is in generation 1: then the switch (which only
  // waits for 2 to be as far as 1) cannot leave the retired one short of it, and rows compare.
  let release: () => void = () => undefined;
  held.set('counts_g2', new Promise<void>((resolve) => (release = resolve)));
  const building = await first.rebuild();
  expect(building).toMatchObject({ generation: 2, schema: 'counts_g2', status: 'building' });
  // Until the switch, queries still read generation 1.
  expect(first.schema()).toBe('counts_g1');
  await expect(second.rebuild()).rejects.toBeInstanceOf(RebuildInProgressError);
  // Traffic goes on during the rebuild; both generations see it.
  for (let i = 0; i < 10; i++) await publish(50);
  await eventually(async () => {
    expect(await total('counts_g1')).toBe(1000);
    return true;
  });
  expect(first.schema()).toBe('counts_g1');
  release();

  await eventually(() =>
    Promise.resolve((first.schema() === 'counts_g2' && second.schema() === 'counts_g2') || undefined),
  );
  await eventually(async () => {
    expect(await total('counts_g2')).toBe(1000);
    return true;
  });
  expect(await total('counts_g1')).toBe(1000); // retired, kept for a look back
  const status = await second.status();
  expect(status.active).toMatchObject({ generation: 2 });
  expect(status.generations.map((g) => [g.generation, g.status])).toEqual([
    [2, 'active'],
    [1, 'retired'],
  ]);
  // The rebuild's per-order rows equal the live generation's, row by row.
  const rows = (schema: string) =>
    sql<CountsTable>`SELECT order_id, events FROM ${sql.id(schema, 'counts')} ORDER BY order_id`
      .execute(db)
      .then((r) => r.rows);
  expect(await rows('counts_g2')).toEqual(await rows('counts_g1'));
});

it('drops retired generations beyond the one kept: schema, inbox rows and consumer group', async () => {
  await first.rebuild();
  await eventually(() => Promise.resolve(first.schema() === 'counts_g3' || undefined));
  await eventually(async () => {
    expect(await schemas()).toEqual(['counts_g2', 'counts_g3']);
    return true;
  });
  // The schema goes first (in the claiming transaction), then the group's inbox rows and offsets.
  const g1 = `${prefix}counts.g1`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(async () => {
      const inbox = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM inbox WHERE consumer = ${g1}`.execute(db);
      expect(inbox.rows[0]?.n).toBe(0);
      const { groups } = await admin.listGroups();
      expect(groups.map((g) => g.groupId)).not.toContain(g1);
      return true;
    });
  } finally {
    await admin.disconnect();
  }
  expect(await total('counts_g3')).toBe(1000);
});

it('abandons a rebuild without touching the serving generation', async () => {
  // One instance: a member stuck in a held batch would keep another from joining its group.
  await first.stop();
  let release: () => void = () => undefined;
  held.set('counts_g4', new Promise<void>((resolve) => (release = resolve)));
  const building = await second.rebuild();
  expect(building.schema).toBe('counts_g4');
  const abandoning = second.abandon();
  // Let the held consumer go only once the generation is marked abandoned, so it cannot switch.
  await eventually(async () => ((await second.status()).building === undefined ? true : undefined));
  release();
  expect(await abandoning).toMatchObject({ generation: 4, status: 'abandoned' });
  await expect(second.abandon()).resolves.toBeUndefined();
  await eventually(async () => {
    expect(await schemas()).not.toContain('counts_g4');
    return true;
  });
  await publish(10);
  await eventually(async () => {
    expect(await total('counts_g3')).toBe(1010);
    return true;
  });
  expect(second.schema()).toBe('counts_g3');
});
