import { eventually } from '@acme/testing';
import type { Kafka } from 'kafkajs';
import { enqueue, OutboxRelay, type OutboxMessage } from '../src/index.js';
import {
  consumeUntil,
  createTopic,
  deleteTopics,
  firstOccurrences,
  kafka,
  scratchDatabase,
  startRelayProcess,
  type RelayProcess,
  type ScratchDatabase,
} from './support.js';

let scratch: ScratchDatabase;
let client: Kafka;
const topics: string[] = [];
const children: RelayProcess[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase();
  client = kafka();
});

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.child.kill('SIGKILL');
    await c.exited;
  }
});

afterAll(async () => {
  await deleteTopics(client, topics);
  await scratch.drop();
});

async function topic(): Promise<string> {
  const name = await createTopic(client, 6);
  topics.push(name);
  return name;
}

function child(name: string, batchSize = 500): RelayProcess {
  const c = startRelayProcess({
    OUTBOX_DATABASE_URL: scratch.url,
    RELAY_NAME: name,
    BATCH_SIZE: String(batchSize),
  });
  children.push(c);
  return c;
}

async function dispatched(t: string): Promise<number> {
  const { count } = await scratch.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('topic', '=', t)
    .where('dispatched_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** `perKey` messages (numbered from `from`) for each of `keys` keys, interleaved, in transactions of `perTx`. */
async function fill(t: string, keys: number, perKey: number, from = 0, perTx = 100): Promise<number> {
  const all: OutboxMessage[] = [];
  for (let i = from; i < from + perKey; i++) {
    for (let k = 0; k < keys; k++) {
      all.push({
        topic: t,
        key: `key-${String(k)}`,
        headers: { seq: String(i) },
        payload: Buffer.from(String(i)),
      });
    }
  }
  for (let i = 0; i < all.length; i += perTx) await enqueue(scratch.db, all.slice(i, i + perTx));
  return all.length;
}

function expectAllInOrder(
  messages: Parameters<typeof firstOccurrences>[0],
  keys: number,
  perKey: number,
): void {
  const order = firstOccurrences(messages);
  expect(order.size).toBe(keys);
  const expected = Array.from({ length: perKey }, (_, i) => String(i));
  for (const values of order.values()) expect(values).toEqual(expected);
}

describe('relay failover', () => {
  it('SIGKILLed mid-batch and restarted: every message at least once, per-key order kept', async () => {
    const t = await topic();
    const [keys, perKey] = [50, 100];
    const total = await fill(t, keys, perKey);
    const name = `kill-${t}`;

    const first = child(name, 50);
    await eventually(
      async () => {
        const n = await dispatched(t);
        return n > 0 ? n : undefined;
      },
      { intervalMs: 5, description: 'the first relay to publish something' },
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const before = await dispatched(t);
    expect(before).toBeLessThan(total); // killed while still publishing

    child(name);
    await eventually(async () => ((await dispatched(t)) === total ? true : undefined), {
      timeoutMs: 60_000,
      description: 'the restarted relay to dispatch everything',
    });
    const messages = await consumeUntil(
      client,
      t,
      (m) => firstOccurrences(m).size === keys && m.length >= total,
    );
    expectAllInOrder(messages, keys, perKey);
  }, 120_000);

  it('two relays: only one publishes; kill it and the other takes over', async () => {
    const t = await topic();
    const name = `pair-${t}`;
    const active = child(name);
    await active.reached('active');

    const standby = new OutboxRelay({
      name,
      databaseUrl: scratch.url,
      kafka: client,
      pollMs: 200,
      standbyPollMs: 200,
    });
    const tried = new Promise<boolean>((resolve) => standby.once('lockAttempt', resolve));
    standby.start();
    try {
      expect(await tried).toBe(false);
      await fill(t, 10, 10);
      await eventually(async () => ((await dispatched(t)) === 100 ? true : undefined), {
        description: 'the active relay to dispatch the first 100',
      });
      const metrics = await standby.registry.getMetricsAsJSON();
      const value = (metric: string) => metrics.find((m) => m.name === metric)?.values[0]?.value;
      expect(standby.isActive).toBe(false);
      expect(value('outbox_relay_active')).toBe(0);
      expect(value('outbox_published_total')).toBe(0);

      active.child.kill('SIGKILL');
      const killedAt = Date.now();
      await eventually(() => Promise.resolve(standby.isActive || undefined), {
        timeoutMs: 10_000,
        intervalMs: 20,
        description: 'the standby to take over',
      });
      const takeoverMs = Date.now() - killedAt;
      await fill(t, 10, 10, 10);
      await eventually(async () => ((await dispatched(t)) === 200 ? true : undefined), {
        description: 'the new active relay to dispatch the next 100',
      });
      const messages = await consumeUntil(client, t, (m) => m.length >= 200);
      expectAllInOrder(messages, 10, 20);
      expect(takeoverMs).toBeLessThan(5000);
    } finally {
      await standby.stop();
    }
  }, 60_000);
});
