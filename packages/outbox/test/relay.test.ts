import { randomUUID } from 'node:crypto';
import { eventually, withDeadline } from '@acme/testing';
import type { Kafka, ProducerBatch } from 'kafkajs';
import { sql } from 'kysely';
import {
  createRelayProducer,
  enqueue,
  OutboxRelay,
  pruneOutbox,
  type OutboxRelayOptions,
} from '../src/index.js';
import {
  consumeUntil,
  createTopic,
  deleteTopics,
  firstOccurrences,
  kafka,
  scratchDatabase,
  type ScratchDatabase,
} from './support.js';

let scratch: ScratchDatabase;
let client: Kafka;
const topics: string[] = [];
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase();
  client = kafka();
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  await deleteTopics(client, topics);
  await scratch.drop();
});

async function topic(): Promise<string> {
  const name = await createTopic(client);
  topics.push(name);
  return name;
}

function relay(options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const r = new OutboxRelay({
    name: `test-${String(relays.length)}-${randomUUID()}`,
    databaseUrl: scratch.url,
    kafka: client,
    pollMs: 200,
    standbyPollMs: 200,
    backoff: { baseMs: 50, maxMs: 400 },
    ...options,
  });
  relays.push(r);
  return r;
}

/** Resolves after `n` complete rounds that started after this call. */
function rounds(r: OutboxRelay, n: number): Promise<void> {
  return withDeadline(
    new Promise<void>((resolve) => {
      let seen = 0;
      const onRound = () => {
        if (++seen > n) {
          r.off('round', onRound);
          resolve();
        }
      };
      r.on('round', onRound); // the first may have started before: count one more
    }),
    10_000,
    `${n} relay rounds`,
  );
}

async function pending(positions: bigint[]): Promise<number> {
  const rows = await scratch.db
    .selectFrom('outbox')
    .select('position')
    .where('position', 'in', positions)
    .where('dispatched_at', 'is', null)
    .execute();
  return rows.length;
}

const text = (value: string) => Buffer.from(value);

describe('OutboxRelay', () => {
  it('publishes key, headers and payload intact and marks the rows dispatched', async () => {
    const t = await topic();
    const binary = Buffer.from([0, 255, 10, 13, 0]);
    const positions = await enqueue(scratch.db, [
      { topic: t, key: 'order-1', headers: { ce_type: 'placed', traceparent: '00-1-2-01' }, payload: binary },
      { topic: t, key: 'order-1', headers: {}, payload: text('second') },
      { topic: t, key: 'order-2', headers: { ce_type: 'placed' }, payload: text('other') },
    ]);
    const r = relay();
    r.start();
    const messages = await consumeUntil(client, t, (m) => m.length >= 3);
    expect(messages).toHaveLength(3);
    const first = messages.find((m) => m.value?.equals(binary));
    expect(first?.key?.toString()).toBe('order-1');
    expect(Object.fromEntries(Object.entries(first?.headers ?? {}).map(([k, v]) => [k, String(v)]))).toEqual({
      ce_type: 'placed',
      traceparent: '00-1-2-01',
    });
    expect(firstOccurrences(messages).get('order-1')).toEqual([binary.toString(), 'second']);
    await eventually(async () => ((await pending(positions)) === 0 ? true : undefined), {
      description: 'rows marked dispatched',
    });
    expect(r.isActive).toBe(true);
    const metrics = await r.registry.getMetricsAsJSON();
    const value = (name: string) => metrics.find((m) => m.name === name)?.values[0]?.value;
    expect(value('outbox_published_total')).toBeGreaterThanOrEqual(3);
    expect(value('outbox_relay_active')).toBe(1);
    expect(value('outbox_backlog')).toBe(0);
  });

  it('relays a transaction that took a lower position but committed later, in commit order', async () => {
    const t = await topic();
    const r = relay();
    r.start();
    await eventually(() => Promise.resolve(r.isActive || undefined), { description: 'relay active' });
    // A row relayed first, so the relay reads on from where it stopped, not from the beginning.
    const before = await enqueue(scratch.db, [{ topic: t, key: 'k', headers: {}, payload: text('before') }]);
    await eventually(async () => ((await pending(before)) === 0 ? true : undefined), {
      description: 'the first row dispatched',
    });

    let commitEarly: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (commitEarly = resolve));
    let earlyEnqueued: (positions: bigint[]) => void = () => undefined;
    const enqueuedEarly = new Promise<bigint[]>((resolve) => (earlyEnqueued = resolve));
    const early = scratch.db.transaction().execute(async (tx) => {
      earlyEnqueued(await enqueue(tx, [{ topic: t, key: 'k', headers: {}, payload: text('early') }]));
      await held;
    });
    const [earlyPosition] = await enqueuedEarly;
    const late = await enqueue(scratch.db, [{ topic: t, key: 'k', headers: {}, payload: text('late') }]);
    expect(late[0]).toBeGreaterThan(earlyPosition ?? 0n);

    // With "early" open, "late" is held back too: reading past it would skip "early" forever.
    await rounds(r, 2);
    expect(await pending(late)).toBe(1);

    commitEarly();
    await early;
    const messages = await consumeUntil(client, t, (m) => m.length >= 3);
    expect(messages.map((m) => m.value?.toString())).toEqual(['before', 'early', 'late']);
  });

  it('looks again soon for rows a notification announced but the commit-order horizon held back', async () => {
    const t = await topic();
    // A poll this long would outlast the test: only the notification and what follows it can deliver.
    const r = relay({ pollMs: 600_000 });
    r.start();
    await eventually(() => Promise.resolve(r.isActive || undefined), { description: 'relay active' });

    // An older transaction with an id holds the horizon back; it writes no outbox row, so its
    // commit notifies no one.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let idTaken: () => void = () => undefined;
    const hasId = new Promise<void>((resolve) => (idTaken = resolve));
    const older = scratch.db.transaction().execute(async (tx) => {
      await sql`SELECT pg_current_xact_id()`.execute(tx);
      idTaken();
      await held;
    });
    await hasId;
    const announced = await enqueue(scratch.db, [
      { topic: t, key: 'k', headers: {}, payload: text('announced') },
    ]);
    await rounds(r, 1);
    expect(await pending(announced)).toBe(1);

    release();
    await older;
    const messages = await consumeUntil(client, t, (m) => m.length >= 1);
    expect(messages.map((m) => m.value?.toString())).toEqual(['announced']);
  });

  it('holds back only the failing key, and sends its messages in order once it recovers', async () => {
    const t = await topic();
    let failBad = true;
    let badFailures = 0;
    const real = createRelayProducer(client);
    const producer = {
      connect: () => real.connect(),
      disconnect: () => real.disconnect(),
      sendBatch: (batch: ProducerBatch) => {
        const hasBad = batch.topicMessages?.some((tm) => tm.messages.some((m) => m.key === 'bad'));
        if (failBad && hasBad) {
          badFailures++;
          return Promise.reject(new Error('injected: broker refused key "bad"'));
        }
        return real.sendBatch(batch);
      },
    };
    const perKey = 10;
    const keys = ['a', 'bad', 'b'];
    for (let i = 0; i < perKey; i++) {
      await enqueue(
        scratch.db,
        keys.map((key) => ({ topic: t, key, headers: {}, payload: text(`${key}-${String(i)}`) })),
      );
    }
    const r = relay({ producer, batchSize: 7 });
    r.start();

    // a and b get through while "bad" keeps failing…
    const others = await consumeUntil(
      client,
      t,
      (m) => m.filter((x) => x.key?.toString() !== 'bad').length >= 2 * perKey,
    );
    expect(others.filter((m) => m.key?.toString() === 'bad')).toEqual([]);
    await eventually(() => Promise.resolve(badFailures >= 3 ? true : undefined), {
      description: '3 failures of "bad"',
    });
    const stuck = await scratch.db
      .selectFrom('outbox')
      .select(['attempts', 'last_error', 'dispatched_at'])
      .where('key', '=', 'bad')
      .orderBy('position')
      .execute();
    expect(stuck.every((row) => row.dispatched_at === null)).toBe(true);
    expect(stuck[0]?.attempts).toBeGreaterThanOrEqual(1);
    expect(stuck[0]?.last_error).toMatch(/injected/);

    // …and once it recovers, its messages follow in their order.
    failBad = false;
    const all = await consumeUntil(client, t, (m) => m.length >= 3 * perKey);
    const order = firstOccurrences(all);
    for (const key of keys) {
      expect(order.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => `${key}-${String(i)}`));
    }
  });

  it('sends again the rows whose marking failed, and goes on from the first pending row', async () => {
    const t = await topic();
    // The first marking of this topic's rows fails (a sequence: its count survives the rollback).
    await sql`CREATE SEQUENCE mark_attempts`.execute(scratch.db);
    await sql`CREATE FUNCTION fail_first_mark() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('mark_attempts') = 1 THEN RAISE EXCEPTION 'injected: marking failed'; END IF;
        RETURN NEW;
      END $$`.execute(scratch.db);
    await sql`CREATE TRIGGER fail_first_mark BEFORE UPDATE ON outbox FOR EACH ROW
      WHEN (OLD.topic = ${sql.lit(t)} AND NEW.dispatched_at IS NOT NULL)
      EXECUTE FUNCTION fail_first_mark()`.execute(scratch.db);
    try {
      const count = 30;
      const positions = await enqueue(
        scratch.db,
        Array.from({ length: count }, (_, i) => ({
          topic: t,
          key: `k${String(i % 3)}`,
          headers: {},
          payload: text(`m-${String(i)}`),
        })),
      );
      const r = relay({ batchSize: 5 });
      r.start();
      // Nothing stays pending: the rows whose marking failed were not passed by.
      await eventually(async () => ((await pending(positions)) === 0 ? true : undefined), {
        description: 'every row marked dispatched',
      });
      const messages = await consumeUntil(
        client,
        t,
        (m) => new Set(m.map((x) => x.value?.toString())).size >= count,
      );
      // The batch whose marking failed went out again; the first copies keep each key's order.
      expect(messages.length).toBeGreaterThan(count);
      const order = firstOccurrences(messages);
      for (const key of ['k0', 'k1', 'k2']) {
        const expected = Array.from({ length: count }, (_, i) => i)
          .filter((i) => `k${String(i % 3)}` === key)
          .map((i) => `m-${String(i)}`);
        expect(order.get(key)).toEqual(expected);
      }
    } finally {
      await sql`DROP TRIGGER fail_first_mark ON outbox`.execute(scratch.db);
      await sql`DROP FUNCTION fail_first_mark()`.execute(scratch.db);
      await sql`DROP SEQUENCE mark_attempts`.execute(scratch.db);
    }
  });

  it('stands by when its lock session is ended from outside; then exactly one relay publishes', async () => {
    const t = await topic();
    const name = `lock-${t}`;
    const a = relay({ name });
    a.start();
    await eventually(() => Promise.resolve(a.isActive || undefined), { description: 'relay a active' });
    const stoodBy = withDeadline(
      new Promise<void>((resolve) => {
        a.on('state', (state) => {
          if (state === 'standby') resolve();
        });
      }),
      10_000,
      'relay a to stand by',
    );
    // An operator (or a pooler) ends the session that holds the lock.
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE application_name = ${`outbox-relay-lock:${name}`}`.execute(scratch.db);
    await stoodBy;

    const b = relay({ name });
    const published = new Map<OutboxRelay, number>([
      [a, 0],
      [b, 0],
    ]);
    for (const r of [a, b]) r.on('published', (p) => published.set(r, (published.get(r) ?? 0) + p.length));
    b.start();
    const positions = await enqueue(
      scratch.db,
      Array.from({ length: 20 }, (_, i) => ({
        topic: t,
        key: `k${String(i % 4)}`,
        headers: {},
        payload: text(`m-${String(i)}`),
      })),
    );
    await eventually(async () => ((await pending(positions)) === 0 ? true : undefined), {
      description: 'every row dispatched',
    });
    // Whichever took the lock did all of it; the other published nothing.
    const active = [a, b].filter((r) => r.isActive);
    expect(active).toHaveLength(1);
    const [winner] = active;
    const loser = winner === a ? b : a;
    expect(published.get(loser)).toBe(0);
    expect(published.get(winner ?? a)).toBe(20);
  });

  it('holds back a topic that does not exist yet and delivers it once created', async () => {
    const t = await topic();
    const missing = `outbox.test.missing.${String(Date.now())}`;
    await enqueue(scratch.db, [
      { topic: missing, key: 'x', headers: {}, payload: text('x-0') },
      { topic: t, key: 'y', headers: {}, payload: text('y-0') },
      { topic: missing, key: 'x', headers: {}, payload: text('x-1') },
    ]);
    const r = relay();
    r.start();
    await consumeUntil(client, t, (m) => m.length >= 1);
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: missing, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    topics.push(missing);
    const late = await consumeUntil(client, missing, (m) => m.length >= 2);
    expect(late.map((m) => m.value?.toString())).toEqual(['x-0', 'x-1']);
  }, 60_000);

  it('prunes only dispatched rows older than the retention', async () => {
    const [oldDone, recentDone, oldPending] = await enqueue(
      scratch.db,
      ['old-done', 'recent-done', 'old-pending'].map((key) => ({
        topic: 'never.relayed',
        key,
        headers: {},
        payload: text(key),
      })),
    );
    await scratch.db
      .updateTable('outbox')
      .set({ dispatched_at: sql<Date>`now() - interval '2 hours'` })
      .where('position', '=', oldDone ?? 0n)
      .execute();
    await scratch.db
      .updateTable('outbox')
      .set({ dispatched_at: sql<Date>`now() - interval '10 minutes'` })
      .where('position', '=', recentDone ?? 0n)
      .execute();
    await scratch.db
      .updateTable('outbox')
      .set({ created_at: sql<Date>`now() - interval '2 hours'` })
      .where('position', '=', oldPending ?? 0n)
      .execute();

    const deleted = await pruneOutbox(scratch.db, { retentionMs: 3600_000, batchSize: 1 });
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await scratch.db
      .selectFrom('outbox')
      .select('key')
      .where('topic', '=', 'never.relayed')
      .orderBy('position')
      .execute();
    expect(left.map((r) => r.key)).toEqual(['recent-done', 'old-pending']);
    // Not a relay test: keep the relay-driven tests' rows out of this table's future.
    await scratch.db.deleteFrom('outbox').where('topic', '=', 'never.relayed').execute();
  });
});
