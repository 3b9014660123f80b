import { randomUUID } from 'node:crypto';
import { eventually } from '@acme/testing';
import {
  forgetConsumer,
  PermanentError,
  pruneInbox,
  RetriableError,
  type Handler,
  type InboundEvent,
} from '../src/index.js';
import { thingV1, thingV2, world, type TestDatabase, type ThingV2, type World } from './support.js';

// Each test joins a consumer group and waits for effects on the real stack.
jest.setTimeout(90_000);

let w: World;

// A world per test: its own topic, database and groups, so no test reads another's messages.
beforeEach(async () => {
  w = await world('consumer');
});

afterEach(() => w.close());

/** A handler of v2 things that records them under `consumer` after `before` (which may throw). */
function handler(
  consumer: string,
  before: (data: ThingV2) => void = () => undefined,
): Handler<TestDatabase, ThingV2> {
  const record = w.recorder(consumer);
  return {
    type: thingV2,
    handle: async (event, tx) => {
      before(event.data);
      await record.handle(event, tx);
    },
  };
}

const effectsFor = async (consumer: string, key: string) =>
  (await w.effects(consumer)).filter((e) => (e.data as ThingV2).orderId === key);

test('a started consumer has every series of its counters at 0, per type it handles and outcome', async () => {
  const c = await w.consumer([handler('zero')]);
  const series = async (name: string) =>
    ((await w.metrics.getSingleMetric(name)?.get())?.values ?? []).filter(
      (v) => v.labels.group === c.groupId,
    );
  const messages = await series('messaging_messages_total');
  // Counted under the type handled (a v1 on the wire is upcast and counted as v2).
  expect(new Set(messages.map((v) => `${String(v.labels.type)} ${String(v.labels.outcome)}`))).toEqual(
    new Set(['handled', 'duplicate', 'skipped', 'dead_lettered'].map((outcome) => `${thingV2} ${outcome}`)),
  );
  expect(messages.every((v) => v.value === 0)).toBe(true);
  const retries = await series('messaging_retries_total');
  expect(retries.map((v) => [v.labels.type, v.value])).toEqual([[thingV2, 0]]);
});

test('the same event delivered twice has one effect; the duplicate is counted', async () => {
  const consumer = 'dup';
  const c = await w.consumer([handler(consumer)]);
  const key = randomUUID();
  const id = randomUUID();
  await w.publish({ key, id });
  await w.publish({ key, id });
  await eventually(
    async () =>
      (await w.counter('messaging_messages_total', { group: c.groupId, outcome: 'duplicate' })) === 1 ||
      undefined,
    { description: 'the duplicate to be skipped' },
  );
  expect(await effectsFor(consumer, key)).toHaveLength(1);
  expect(await w.counter('messaging_messages_total', { group: c.groupId, outcome: 'handled' })).toBe(1);
});

test('a handler failing retriably twice, then succeeding, has one effect', async () => {
  const consumer = 'flaky';
  let calls = 0;
  const c = await w.consumer([
    handler(consumer, () => {
      if (++calls <= 2) throw new RetriableError('database busy');
    }),
  ]);
  const key = randomUUID();
  await w.publish({ key });
  await eventually(async () => ((await effectsFor(consumer, key)).length === 1 ? true : undefined), {
    description: 'the third attempt to succeed',
  });
  expect(calls).toBe(3);
  expect(await w.counter('messaging_retries_total', { group: c.groupId })).toBe(2);
  expect(await w.db.selectFrom('dead_letters').selectAll().execute()).toHaveLength(0);
});

test('an event on the wire in v1 reaches a v2 handler as v2', async () => {
  const consumer = 'upcast';
  const seenBy: string[] = [];
  const record = w.recorder(consumer);
  const c = await w.consumer([
    {
      type: thingV2,
      handle: async (event, tx) => {
        seenBy.push(event.group);
        await record.handle(event, tx);
      },
    },
  ]);
  const key = randomUUID();
  await w.publish({ key, type: thingV1, data: { orderId: key, amountMinor: 4250, note: 'old' } });
  const [effect] = await eventually(async () => {
    const found = await effectsFor(consumer, key);
    return found.length > 0 ? found : undefined;
  });
  expect(seenBy).toEqual([c.groupId]);
  expect(effect).toMatchObject({
    type: thingV2,
    data: { orderId: key, amount: { minor: 4250, currency: 'EUR' }, note: 'old' },
  });
});

test('a filter on the payload routes only matching events; the rest are counted as skipped', async () => {
  const consumer = 'filtered';
  const c = await w.consumer([
    { ...handler(consumer), filter: { data: { amount: { minor: [{ numeric: ['>=', 1000] }] } } } },
  ]);
  const big = randomUUID();
  const small = randomUUID();
  await w.publish({ key: small, type: thingV1, data: { orderId: small, amountMinor: 999, note: '' } });
  await w.publish({ key: big, type: thingV1, data: { orderId: big, amountMinor: 1000, note: '' } });
  await eventually(async () => ((await effectsFor(consumer, big)).length === 1 ? true : undefined));
  await eventually(
    async () =>
      (await w.counter('messaging_messages_total', { group: c.groupId, outcome: 'skipped' })) >= 1 ||
      undefined,
  );
  expect(await effectsFor(consumer, small)).toHaveLength(0);
});

test('per-key order holds while messages are retried', async () => {
  const consumer = 'ordered';
  const failedOnce = new Set<string>();
  await w.consumer([
    handler(consumer, (data) => {
      // Every third message fails once: its key must wait for it.
      if (Number(data.note) % 3 === 0 && !failedOnce.has(`${data.orderId}/${data.note}`)) {
        failedOnce.add(`${data.orderId}/${data.note}`);
        throw new RetriableError('transient');
      }
    }),
  ]);
  const keys = Array.from({ length: 6 }, () => randomUUID());
  for (let n = 0; n < 20; n++)
    for (const key of keys) await w.publish({ key, data: { orderId: key, amountMinor: n, note: String(n) } });
  await eventually(async () => ((await w.effects(consumer)).length === keys.length * 20 ? true : undefined), {
    timeoutMs: 60_000,
    description: 'all 120 messages handled',
  });
  const byKey = new Map<string, string[]>();
  for (const e of await w.effects(consumer)) {
    const d = e.data as ThingV2;
    byKey.set(d.orderId, [...(byKey.get(d.orderId) ?? []), d.note]);
  }
  const expected = Array.from({ length: 20 }, (_, n) => String(n));
  for (const key of keys) expect(byKey.get(key)).toEqual(expected);
  expect(failedOnce.size).toBeGreaterThan(0);
});

test('a retrying partition does not hold back the other partitions', async () => {
  const consumer = 'isolated';
  const stuck = randomUUID();
  let stuckAttempts = 0;
  const c = await w.consumer(
    [
      handler(consumer, (data) => {
        if (data.orderId === stuck) {
          stuckAttempts++;
          throw new RetriableError('still down');
        }
      }),
    ],
    { maxAttempts: 3, backoff: { baseMs: 4_000, maxMs: 4_000 } },
  );
  await w.publish({ key: stuck });
  await eventually(() => Promise.resolve(stuckAttempts >= 1 ? true : undefined));
  // Keys on other partitions than the stuck one go through while it waits out its backoff.
  const others = Array.from({ length: 12 }, () => randomUUID());
  for (const key of others) await w.publish({ key });
  const handled = await eventually(async () => {
    const effects = await w.effects(consumer);
    return effects.length >= 4 ? effects : undefined;
  });
  expect(stuckAttempts).toBeLessThan(3);
  expect(handled.every((e) => (e.data as ThingV2).orderId !== stuck)).toBe(true);
  // And the stuck one ends in the dead-letter index after its attempts.
  const parked = await eventually(
    async () =>
      await w.db
        .selectFrom('dead_letters')
        .selectAll()
        .where('consumer_group', '=', c.groupId)
        .executeTakeFirst(),
    { timeoutMs: 30_000 },
  );
  expect(parked).toMatchObject({ reason: 'retries-exhausted', attempts: 3, error_class: 'RetriableError' });
});

test('with batch transactions, a poison message is isolated and everything else is handled once', async () => {
  const consumer = 'batched';
  const poison = randomUUID();
  const c = await w.consumer(
    [
      handler(consumer, (data) => {
        if (data.orderId === poison) throw new PermanentError('no such product');
      }),
    ],
    { batchSize: 100 },
  );
  const keys = Array.from({ length: 150 }, () => randomUUID());
  keys.splice(75, 0, poison);
  await w.producer.send({
    topic: w.topic,
    acks: -1,
    messages: keys.map((key) => {
      const m = w.events.toMessage({
        type: thingV2,
        subject: key,
        data: { orderId: key, amount: { minor: 1, currency: 'EUR' }, note: '' },
        cause: { correlationId: key, causationId: key, hops: 0 },
      });
      return { key, value: m.payload, headers: m.headers };
    }),
  });
  await eventually(async () => ((await w.effects(consumer)).length === 150 ? true : undefined), {
    timeoutMs: 60_000,
    description: '150 effects',
  });
  const parked = await eventually(async () =>
    w.db.selectFrom('dead_letters').selectAll().where('consumer_group', '=', c.groupId).executeTakeFirst(),
  );
  expect(parked).toMatchObject({ reason: 'rejected', attempts: 1, error_message: 'no such product' });
  const ids = (await w.effects(consumer)).map((e) => (e.data as ThingV2).orderId);
  expect(new Set(ids).size).toBe(150);
  expect(ids).not.toContain(poison);
});

test('stop() lets the in-flight handler finish and commit before it returns', async () => {
  const consumer = 'graceful';
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered = false;
  const record = w.recorder(consumer);
  const c = await w.consumer([
    {
      type: thingV2,
      handle: async (event, tx) => {
        entered = true;
        await gate;
        await record.handle(event, tx);
      },
    },
  ]);
  const key = randomUUID();
  await w.publish({ key });
  await eventually(() => Promise.resolve(entered ? true : undefined));
  const stopped = c.stop();
  release();
  await stopped;
  expect(await effectsFor(consumer, key)).toHaveLength(1);
  const admin = w.kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: c.groupId, topics: [w.topic] });
    const committed = offsets?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    // Everything this group consumed is committed: the whole topic so far.
    expect(committed).toBeGreaterThan(0);
  } finally {
    await admin.disconnect();
  }
});

test('pruneInbox removes only rows older than the horizon', async () => {
  await w.db
    .insertInto('inbox')
    .values([
      { consumer: 'g', message_id: 'old', received_at: new Date(Date.now() - 10 * 24 * 3600_000) },
      { consumer: 'g', message_id: 'new' },
    ])
    .execute();
  expect(await pruneInbox(w.db, { olderThanMs: 7 * 24 * 3600_000, batchSize: 1 })).toBe(1);
  expect((await w.db.selectFrom('inbox').select('message_id').execute()).map((r) => r.message_id)).toEqual([
    'new',
  ]);
});

test('forgetConsumer removes every inbox row of that group and only those', async () => {
  await w.db
    .insertInto('inbox')
    .values([
      ...['a', 'b', 'c'].map((id) => ({ consumer: 'gone', message_id: id })),
      { consumer: 'kept', message_id: 'a' },
    ])
    .execute();
  expect(await forgetConsumer(w.db, 'gone', 2)).toBe(3);
  const rows = await w.db.selectFrom('inbox').select(['consumer', 'message_id']).execute();
  expect(rows.filter((r) => r.consumer === 'gone')).toEqual([]);
  expect(rows).toContainEqual({ consumer: 'kept', message_id: 'a' });
});

test('with batches, handleBatch gets each run of fresh events once, in partition order', async () => {
  const runs: string[][] = [];
  const record = w.recorder('set-based');
  const key = randomUUID();
  const duplicate = randomUUID();
  const notes = Array.from({ length: 40 }, (_, n) => String(n));
  const c = await w.consumer(
    [
      {
        ...record,
        handleBatch: async (events, tx) => {
          runs.push(events.map((e) => (e.data as ThingV2).note));
          for (const e of events) await record.handle(e, tx);
        },
      },
    ],
    { batchSize: 100 },
  );
  // One key, so one partition: the whole list arrives in order, one id twice.
  await w.producer.send({
    topic: w.topic,
    acks: -1,
    messages: [...notes, '0'].map((note, n) => {
      const m = w.events.toMessage({
        type: thingV2,
        subject: key,
        data: { orderId: key, amount: { minor: n, currency: 'EUR' }, note },
        cause: { correlationId: key, causationId: key, hops: 0 },
        ...(n === 0 || n === notes.length ? { id: duplicate } : {}),
      });
      return { key, value: m.payload, headers: m.headers };
    }),
  });
  await eventually(
    async () =>
      (await w.counter('messaging_messages_total', { group: c.groupId, outcome: 'duplicate' })) === 1 ||
      undefined,
  );
  expect(runs.flat()).toEqual(notes);
  expect(await effectsFor('set-based', key)).toHaveLength(notes.length);
});

test('handlers of several types sharing one handleBatch get mixed runs in one call, in partition order', async () => {
  const calls: string[][] = [];
  const key = randomUUID();
  const handleBatch = (events: readonly InboundEvent[]) => {
    calls.push(events.map((e) => `${e.type === thingV1 ? 'v1' : 'v2'}:${(e.data as { note: string }).note}`));
    return Promise.resolve();
  };
  const handle = (e: InboundEvent) => handleBatch([e]);
  await w.consumer(
    [
      { type: thingV1, handle, handleBatch },
      { type: thingV2, handle, handleBatch },
    ],
    { batchSize: 100 },
  );
  // One key, one partition: the types alternate, as a projection's topic interleaves them.
  const sent = Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? `v1:${String(n)}` : `v2:${String(n)}`));
  await w.producer.send({
    topic: w.topic,
    acks: -1,
    messages: sent.map((label, n) => {
      const note = String(n);
      const m = label.startsWith('v1')
        ? w.events.toMessage({
            type: thingV1,
            subject: key,
            data: { orderId: key, amountMinor: n, note },
            cause: { correlationId: key, causationId: key, hops: 0 },
          })
        : w.events.toMessage({
            type: thingV2,
            subject: key,
            data: { orderId: key, amount: { minor: n, currency: 'EUR' }, note },
            cause: { correlationId: key, causationId: key, hops: 0 },
          });
      return { key, value: m.payload, headers: m.headers };
    }),
  });
  await eventually(() => Promise.resolve(calls.flat().length >= sent.length ? true : undefined));
  expect(calls.flat()).toEqual(sent);
  // Not one call per type change: runs span both types.
  expect(
    calls.some((run) => run.some((e) => e.startsWith('v1')) && run.some((e) => e.startsWith('v2'))),
  ).toBe(true);
  expect(calls.length).toBeLessThan(sent.length / 2);
});
