/**
 * A world for the Nest and CLI tests: a scratch database with the messaging tables, a topic and an
 * Avro contract of the test file's own in the real registry, and a producer that publishes
 * CloudEvents-headed messages as another service's relay would. `close` removes all of it.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { connect, migrate } from '@acme/postgres';
import {
  createTopic,
  deleteTopics,
  scratchDatabase,
  testStack,
  type ScratchDatabase,
  type TestStack,
} from '@acme/testing';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sql, type Generated, type Kysely, type Selectable } from 'kysely';
import {
  AvroCodec,
  EventPublisher,
  messagingMigrations,
  startCause,
  type Contract,
  type MessagingDatabase,
} from '../../src/index.js';

export const orderPlaced = 'com.acme.test.nest.order-placed.v1';

export interface OrderPlaced {
  orderId: string;
  totalMinor: number;
}

/** One row per handler call that committed: what the handlers wrote through `ctx.tx`. */
export interface NestTestDatabase extends MessagingDatabase {
  handled: {
    id: Generated<number>;
    handler: string;
    event_id: string;
    order_id: string;
    topic: string;
    causation_id: string;
  };
}

export interface NestWorld {
  stack: TestStack;
  /** The scratch database's name (for `--database`). */
  database: string;
  db: Kysely<NestTestDatabase>;
  kafka: Kafka;
  topic: string;
  codec: AvroCodec;
  /** A consumer group of the test's own; its `.dlq`/`.replay` topics and offsets go on `close`. */
  group(label: string): string;
  /** Publish an order-placed event (one partition: delivery order is publish order); returns its id. */
  publish(data: Partial<OrderPlaced> & { id?: string }): Promise<string>;
  handled(handler?: string): Promise<Selectable<NestTestDatabase['handled']>[]>;
  close(): Promise<void>;
}

export async function nestWorld(name: string): Promise<NestWorld> {
  const s = testStack();
  const scratch: ScratchDatabase = await scratchDatabase(s, `messaging_${name}`);
  const db = connect<NestTestDatabase>({ url: scratch.url, max: 6 });
  await migrate(db, messagingMigrations);
  await sql`CREATE TABLE handled (
    id serial PRIMARY KEY, handler text NOT NULL, event_id text NOT NULL, order_id text NOT NULL,
    topic text NOT NULL, causation_id text NOT NULL)`.execute(db);
  const kafka = new Kafka({
    clientId: `messaging-${name}`,
    brokers: s.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = await createTopic(kafka, `messaging.nest.${name}`, 1);
  const contract: Contract = {
    type: orderPlaced,
    topic,
    subject: `${topic}-com.acme.test.nest.OrderPlaced`,
    schema: {
      type: 'record',
      name: 'OrderPlaced',
      namespace: 'com.acme.test.nest',
      fields: [
        { name: 'orderId', type: 'string' },
        { name: 'totalMinor', type: 'long' },
      ],
    },
  };
  const codec = new AvroCodec(new SchemaRegistry({ host: s.schemaRegistryUrl }), [contract]);
  await codec.prepare([orderPlaced]);
  const events = new EventPublisher(codec, [contract], { source: '/acme/test' });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const groups: string[] = [];
  const suffix = randomUUID().slice(0, 8);

  return {
    stack: s,
    database: scratch.name,
    db,
    kafka,
    topic,
    codec,
    group(label) {
      const group = `test.nest.${name}.${label}.${suffix}`;
      groups.push(group);
      return group;
    },
    async publish({ id, orderId = randomUUID(), totalMinor = 100 }) {
      const message = events.toMessage({
        type: orderPlaced,
        subject: orderId,
        data: { orderId, totalMinor },
        cause: startCause(randomUUID()),
        ...(id ? { id } : {}),
      });
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: message.key, value: message.payload, headers: message.headers }],
      });
      const eventId = message.headers.ce_id;
      if (!eventId) throw new Error('the publisher made no ce_id');
      return eventId;
    },
    async handled(handler) {
      let query = db.selectFrom('handled').selectAll().orderBy('id');
      if (handler) query = query.where('handler', '=', handler);
      return query.execute();
    },
    async close() {
      await producer.disconnect();
      // Only groups whose consumer started exist, with their DLQ and replay topics; asking Kafka to
      // delete what does not exist makes kafkajs retry for seconds, so ask for what is there.
      const admin = kafka.admin();
      await admin.connect();
      let existing: string[];
      try {
        const known = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
        const started = groups.filter((g) => known.has(g));
        if (started.length > 0) await admin.deleteGroups(started);
        existing = await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
      const ours = [topic, ...groups.flatMap((g) => [`${g}.dlq`, `${g}.replay`])];
      await deleteTopics(
        kafka,
        ours.filter((t) => existing.includes(t)),
      );
      // Confluent API: a soft delete, then the permanent one.
      for (const query of ['', '?permanent=true'])
        await fetch(`${s.schemaRegistryUrl}/subjects/${encodeURIComponent(contract.subject)}${query}`, {
          method: 'DELETE',
        });
      await db.destroy();
      await scratch.drop();
    },
  };
}
