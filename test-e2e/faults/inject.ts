/**
 * The faults: crash a service (and the relay inside it), restart Kafka or Postgres of the native
 * stack, deliver messages again or late, and feed the consumers poison.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { envelopeToHeaders, headerString } from '@acme/messaging';
import { down, endpoints, status, up, type PartName, type StackConfig } from '@acme/stack';
import { consumeUntil, eventually, type TestStack } from '@acme/testing';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { sql } from 'kysely';
import type { ServiceName } from '../system/system.js';
import type { SystemWorld } from '../system/world.js';
import type { ExpectedPoison } from './invariants.js';

/**
 * SIGKILL a service, preferably while its relay holds undispatched outbox rows (mid-batch), and
 * start it again: `restarted` resolves once it is ready.
 */
export async function crashAndRestart(
  world: SystemWorld,
  name: ServiceName,
): Promise<{ midBatch: boolean; restarted: Promise<void> }> {
  const pending = async () => {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`.execute(world.db(name));
    return (rows[0]?.n ?? 0) > 0 ? true : undefined;
  };
  // Analytics publishes nothing; for the others, aim at a moment with work in the relay's hands.
  const midBatch =
    name === 'analytics'
      ? false
      : await eventually(pending, { timeoutMs: 5_000, intervalMs: 5, description: `${name}'s outbox` }).catch(
          () => false,
        );
  const service = world.system.services[name];
  const exit = await service.kill('SIGKILL');
  if (exit.signal !== 'SIGKILL')
    throw new Error(`${name} ended with ${JSON.stringify(exit)}, not by SIGKILL`);
  const restarted = service.restart();
  restarted.catch(() => undefined); // awaited by the caller; not an unhandled rejection meanwhile
  return { midBatch, restarted };
}

/**
 * Whether the stack the suite runs on is the native stack this checkout manages (so its Kafka and
 * Postgres may be restarted here), and if not, why.
 */
export async function restartableStack(config: StackConfig, stack: TestStack): Promise<string | undefined> {
  const own = endpoints(config);
  const postgresAt = (url: string) => new URL(url).host;
  if (
    stack.kafkaBrokers.join(',') !== own.KAFKA_BROKERS ||
    postgresAt(stack.databaseUrl) !== postgresAt(own.DATABASE_URL)
  )
    return 'the suite does not run on the native stack of this checkout';
  const parts = await status(config);
  const down_ = parts.filter(
    (p) => ['kafka', 'postgres', 'registry'].includes(p.name) && p.state !== 'running',
  );
  return down_.length > 0 ? `not running: ${down_.map((p) => p.name).join(', ')}` : undefined;
}

/**
 * Stop a part of the native stack (and what needs it: the registry keeps its data in Postgres),
 * keep it down for `outageMs`, start it all again. Whatever happens, the parts are started again.
 */
export async function restartPart(
  config: StackConfig,
  part: PartName,
  outageMs: number,
): Promise<PartName[]> {
  let stopped: PartName[] = [];
  try {
    stopped = await down(config, { only: [part] });
    await delay(outageMs); // the outage itself: how long the part stays away
  } finally {
    await up(config, { only: stopped.length > 0 ? stopped : [part], renderer: 'silent' });
  }
  return stopped;
}

/** A message as it was on a topic: the bytes and headers to produce again. */
export interface RawMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  type: string | undefined;
  subject: string | undefined;
}

/** Everything on `topics` so far, read from the beginning up to each partition's end. */
export async function readAll(kafka: Kafka, topics: readonly string[]): Promise<RawMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const totals = new Map<string, number>();
  try {
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      totals.set(
        topic,
        offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0),
      );
    }
  } finally {
    await admin.disconnect();
  }
  const all: RawMessage[] = [];
  for (const topic of topics) {
    const total = totals.get(topic) ?? 0;
    if (total === 0) continue;
    const messages = await consumeUntil(kafka, topic, (ms: KafkaMessage[]) => ms.length >= total, 60_000);
    all.push(
      ...messages.map((m) => ({
        topic,
        key: m.key,
        value: m.value,
        headers: m.headers ?? {},
        type: headerString(m.headers, 'ce_type'),
        subject: headerString(m.headers, 'ce_subject'),
      })),
    );
  }
  return all;
}

/** Produce messages again, byte for byte (or with the headers `rewrite` returns), in the order given. */
export async function produceAgain(
  kafka: Kafka,
  messages: readonly RawMessage[],
  rewrite: (headers: IHeaders) => IHeaders = (h) => h,
): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const m of messages)
      await producer.send({
        topic: m.topic,
        acks: -1,
        messages: [{ key: m.key, value: m.value, headers: rewrite(m.headers) }],
      });
  } finally {
    await producer.disconnect();
  }
  return messages.length;
}

/**
 * Whether every consumer group of the system (the services', under `prefix`; the suite's own taps
 * aside) has committed up to the end of each partition it reads on `topics`: what was produced so far
 * has been handled.
 */
export async function caughtUp(kafka: Kafka, prefix: string, topics: readonly string[]): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const ours = groups
      .map((g) => g.groupId)
      .filter((id) => id.startsWith(prefix) && !id.startsWith(`${prefix}tap-`));
    const ends = new Map<string, string>();
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, p.high);
    for (const groupId of ours)
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] }))
        for (const { partition, offset } of partitions)
          if (offset !== '-1' && BigInt(offset) < BigInt(ends.get(`${topic}/${partition}`) ?? '0'))
            return false;
    return true;
  } finally {
    await admin.disconnect();
  }
}

/** The same headers under a new event id: the fact published twice, which the inbox cannot catch. */
export const newEventId = (headers: IHeaders): IHeaders => ({ ...headers, ce_id: randomUUID() });

/** Services that handle each event type the poison is dressed as (see the apps' @ConsumeEvent). */
const handlers = {
  'com.acme.order.placed.v2': ['inventory', 'payment', 'notification', 'analytics'],
  'com.acme.payment.charged.v1': ['order', 'analytics'],
} as const;

const envelope = (type: string, subject: string) =>
  envelopeToHeaders({
    id: randomUUID(),
    source: '/acme/fault-suite',
    type,
    specversion: '1.0',
    time: new Date().toISOString(),
    subject,
    correlationid: randomUUID(),
    causationid: randomUUID(),
    hops: 0,
  });

/**
 * Four poison messages, and who must park them:
 * - bytes without any CloudEvents headers on order.events → every consumer of the topic, invalid-envelope;
 * - garbage bytes under a valid OrderPlaced envelope → every OrderPlaced handler, undecodable;
 * - the Confluent wire format with a schema id the registry never issued → the same, unknown-schema;
 * - a valid PaymentCharged for an order nobody placed → the order service rejects it for good
 *   (its handler throws PermanentError: no retry makes the order appear); analytics records it.
 */
export async function injectPoison(
  world: SystemWorld,
  kafka: Kafka,
): Promise<{ poison: ExpectedPoison[]; injected: number }> {
  const prefix = world.system.topicPrefix;
  const key = (what: string) => `poison-${what}-${randomUUID().slice(0, 8)}`;
  const placed = 'com.acme.order.placed.v2';
  const unknownSchemaId = 0x7ffffff0;
  const wire = Buffer.concat([Buffer.from([0]), Buffer.alloc(4), randomBytes(24)]);
  wire.writeInt32BE(unknownSchemaId, 1);
  const bare = key('bare');
  const garbage = key('garbage');
  const unknown = key('schema');
  const stranger = key('stranger');
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({
      topic: `${prefix}order.events`,
      acks: -1,
      messages: [
        { key: bare, value: randomBytes(64), headers: {} },
        {
          key: garbage,
          value: Buffer.concat([Buffer.from([0x47]), randomBytes(63)]),
          headers: envelope(placed, garbage),
        },
        { key: unknown, value: wire, headers: envelope(placed, unknown) },
      ],
    });
  } finally {
    await producer.disconnect();
  }
  // A real event, encoded through the registry as payment's relay would, about an order nobody placed.
  await world.tap.publish({
    type: 'com.acme.payment.charged.v1',
    subject: stranger,
    data: {
      orderId: stranger,
      paymentId: `pay-${stranger}`,
      amountMinor: 1250,
      currency: 'EUR',
      chargedAt: Date.now(),
    },
  });
  return {
    injected: 4,
    poison: [
      {
        key: bare,
        reason: 'invalid-envelope',
        services: handlers[placed],
        what: 'bytes without an envelope',
      },
      { key: garbage, reason: 'undecodable', services: handlers[placed], what: 'garbage bytes' },
      { key: unknown, reason: 'unknown-schema', services: handlers[placed], what: 'an unknown schema id' },
      { key: stranger, reason: 'rejected', services: ['order'], what: 'a charge for an unknown order' },
    ],
  };
}
