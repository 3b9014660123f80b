import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { sql, type Kysely } from 'kysely';
import {
  appendToStream,
  ConcurrencyError,
  type AppendOptions,
  type Event,
  InvalidAppendError,
  readStream,
  type EventStoreDatabase,
} from '../src/index.js';
import { added, counter } from './support/counter.js';
import { counts, openStore } from './support/store.js';

let db: Kysely<EventStoreDatabase>;
let close: () => Promise<void>;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  ({ db, close } = await openStore(30));
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  context.disable();
  await close();
});

let seq = 0;
const newStream = () => `counter-${Date.now()}-${++seq}`;
const options = { streamType: 'counter', knownTypes: counter.eventTypes };

describe('appendToStream', () => {
  it('creates a stream, appends at the expected version, and with "any"', async () => {
    const id = newStream();
    const first = await appendToStream(db, id, [added(1), added(2)], {
      ...options,
      expectedVersion: 'no-stream',
    });
    expect(first.nextExpectedVersion).toBe(2);
    expect(first.events.map((e) => e.version)).toEqual([1, 2]);
    expect(first.events[0]?.globalPosition).toBeLessThan(first.events[1]?.globalPosition ?? 0n);

    const second = await appendToStream(db, id, [added(3)], { ...options, expectedVersion: 2 });
    expect(second.nextExpectedVersion).toBe(3);
    const third = await appendToStream(db, id, [added(4)], { ...options, expectedVersion: 'any' });
    expect(third.nextExpectedVersion).toBe(4);
    const fresh = await appendToStream(db, newStream(), [added(9)], { ...options, expectedVersion: 'any' });
    expect(fresh.nextExpectedVersion).toBe(1);

    const read = await readStream(db, id);
    expect(read.map((e) => [e.version, e.type, e.data])).toEqual([
      [1, 'Added', { n: 1 }],
      [2, 'Added', { n: 2 }],
      [3, 'Added', { n: 3 }],
      [4, 'Added', { n: 4 }],
    ]);
  });

  it('reads a stream forwards, backwards, by version range and count', async () => {
    const id = newStream();
    await appendToStream(db, id, [1, 2, 3, 4, 5].map(added), { ...options, expectedVersion: 'no-stream' });
    const versions = async (o: Parameters<typeof readStream>[2]) =>
      (await readStream(db, id, o)).map((e) => e.version);
    expect(await versions({ fromVersion: 2, toVersion: 4 })).toEqual([2, 3, 4]);
    expect(await versions({ direction: 'backwards', maxCount: 2 })).toEqual([5, 4]);
    expect(await versions({ direction: 'backwards', fromVersion: 3 })).toEqual([3, 2, 1]);
    expect(await versions({ fromVersion: 4, maxCount: 10 })).toEqual([4, 5]);
    expect(await readStream(db, 'counter-that-does-not-exist')).toEqual([]);
  });

  it('refuses a wrong expected version with an error naming stream, expected and actual — and writes nothing', async () => {
    const id = newStream();
    await appendToStream(db, id, [added(1)], { ...options, expectedVersion: 'no-stream' });
    const before = await counts(db);

    const stale = appendToStream(db, id, [added(2)], { ...options, expectedVersion: 0 });
    await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(stale).rejects.toMatchObject({ streamId: id, expected: 0, actual: 1, retriable: false });
    await expect(appendToStream(db, id, [added(2)], { ...options, expectedVersion: 5 })).rejects.toThrow(
      `stream ${id}: expected version 5, but it is at version 1`,
    );
    await expect(
      appendToStream(db, id, [added(2)], { ...options, expectedVersion: 'no-stream' }),
    ).rejects.toThrow(`stream ${id}: expected no stream, but it is at version 1`);
    await expect(
      appendToStream(db, 'counter-missing', [added(2)], { ...options, expectedVersion: 3 }),
    ).rejects.toThrow('stream counter-missing: expected version 3, but it is absent');
    expect(await counts(db)).toEqual(before);
  });

  it('lets exactly one of many concurrent appends at the same expected version win', async () => {
    const id = newStream();
    await appendToStream(db, id, [added(1)], { ...options, expectedVersion: 'no-stream' });
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        appendToStream(db, id, [added(i + 10)], { ...options, expectedVersion: 1 }),
      ),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const loss of lost)
      expect(loss.reason).toMatchObject({ name: 'ConcurrencyError', expected: 1, actual: 2 });
    expect((await readStream(db, id)).map((e) => e.version)).toEqual([1, 2]);
  });

  it('lets exactly one of many concurrent creations of the same stream win', async () => {
    const id = newStream();
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        appendToStream(db, id, [added(1)], { ...options, expectedVersion: 'no-stream' }),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect((await readStream(db, id)).length).toBe(1);
  });

  it('keeps an append of several events whole when concurrent ones at the same version race it', async () => {
    const id = newStream();
    await appendToStream(db, id, [added(1)], { ...options, expectedVersion: 'no-stream' });
    // Batches of 1, 2 and 3 events at version 1: one wins whole, no version holds a loser's event.
    const batches = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 1 + (i % 3) }, (_, k) => added(100 * (i + 1) + k)),
    );
    const attempts = await Promise.allSettled(
      batches.map((events) => appendToStream(db, id, events, { ...options, expectedVersion: 1 })),
    );
    const won = attempts.flatMap((a, i) => (a.status === 'fulfilled' ? [batches[i]] : []));
    expect(won).toHaveLength(1);
    const stored = await readStream(db, id);
    expect(stored.map((e) => e.version)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.slice(1).map((e) => e.data)).toEqual(won[0]?.map((e) => e.data));
  });

  it('lands every one of many concurrent "any" appends, each whole and in one piece', async () => {
    const id = newStream();
    const appends = Array.from({ length: 8 }, (_, i) => [added(10 * i + 1), added(10 * i + 2)]);
    const results = await Promise.all(
      appends.map((events) => appendToStream(db, id, events, { ...options, expectedVersion: 'any' })),
    );
    const stored = await readStream(db, id);
    expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    // The two events of one append sit next to each other, in their order.
    for (const { events } of results)
      expect(events.map((e) => [e.version - (events[0]?.version ?? 0), e.data])).toEqual([
        [0, { n: (events[0]?.data as { n: number }).n }],
        [1, { n: (events[0]?.data as { n: number }).n + 1 }],
      ]);
  });

  it('inserts nothing when the expected version is past the end of the stream', async () => {
    const id = newStream();
    await appendToStream(db, id, [added(1), added(2)], { ...options, expectedVersion: 'no-stream' });
    for (const events of [[added(3)], [added(3), added(4)]])
      await expect(appendToStream(db, id, events, { ...options, expectedVersion: 4 })).rejects.toMatchObject({
        name: 'ConcurrencyError',
        expected: 4,
        actual: 2,
      });
    expect((await readStream(db, id)).map((e) => e.version)).toEqual([1, 2]);
  });

  it('runs its statements on one cached generic plan per connection, not planned on every call', async () => {
    // A statement whose plan depends on its parameters is planned again on every execution,
    // prepared or not: that cost the append a third of its rate once.
    const plans = await db.connection().execute(async (connection) => {
      for (let i = 0; i < 8; i++) {
        const id = newStream();
        await appendToStream(connection, id, [added(1)], { ...options, expectedVersion: 'no-stream' });
        await appendToStream(connection, id, [added(2), added(3)], { ...options, expectedVersion: 1 });
        await appendToStream(connection, id, [added(4)], { ...options, expectedVersion: 'any' });
      }
      const rows = await sql<{ name: string; generic_plans: bigint }>`
        SELECT name, generic_plans FROM pg_prepared_statements ORDER BY name`.execute(connection);
      return rows.rows;
    });
    expect(plans.map((p) => p.name)).toEqual([
      'event_store_append_many',
      'event_store_append_one',
      'event_store_last_version',
    ]);
    for (const plan of plans) expect(plan.generic_plans).toBeGreaterThan(0n);
  });

  it('appends to several streams in one transaction, all or nothing', async () => {
    const [a, b] = [newStream(), newStream()];
    await appendToStream(db, b, [added(1)], { ...options, expectedVersion: 'no-stream' });
    const before = await counts(db);
    await expect(
      db.transaction().execute(async (tx) => {
        await appendToStream(tx, a, [added(1)], { ...options, expectedVersion: 'no-stream' });
        await appendToStream(tx, b, [added(2)], { ...options, expectedVersion: 'no-stream' }); // conflicts
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await counts(db)).toEqual(before);
    expect(await readStream(db, a)).toEqual([]);

    await db.transaction().execute(async (tx) => {
      await appendToStream(tx, a, [added(1)], { ...options, expectedVersion: 'no-stream' });
      await appendToStream(tx, b, [added(2)], { ...options, expectedVersion: 1 });
    });
    const [ea, eb] = [await readStream(db, a), await readStream(db, b)];
    expect(ea.map((e) => e.version)).toEqual([1]);
    expect(eb.map((e) => e.version)).toEqual([1, 2]);
    expect(ea[0]?.transactionId).toBe(eb[1]?.transactionId);
  });

  describe('bad input: a clear error and nothing written', () => {
    const cases: [string, readonly Event[], Partial<AppendOptions>, RegExp][] = [
      ['an empty event list', [], {}, /nothing to append/],
      [
        'an event type the decider does not know',
        [{ type: 'Multiplied', data: { n: 2 } }],
        {},
        /event type "Multiplied" is unknown to counter streams \(known: Added, Reset\)/,
      ],
      [
        'an oversize payload',
        [{ type: 'Added', data: { n: 1, pad: 'x'.repeat(2048) } }],
        { maxEventBytes: 1024 },
        /Added data is 20\d\d bytes, more than the 1024 allowed/,
      ],
      [
        'a negative expected version',
        [added(1)],
        { expectedVersion: -1 },
        /expected version -1 is not a whole number/,
      ],
      [
        'an expected version past what a version can hold',
        [added(1)],
        { expectedVersion: 2 ** 31 - 1 },
        /expected version 2147483647 is not a whole number from 0 to 2147483646/,
      ],
    ];
    it.each(cases)('%s', async (_what, events, extra, message) => {
      const id = newStream();
      const before = await counts(db);
      const attempt = appendToStream(db, id, events, { ...options, expectedVersion: 'any', ...extra });
      await expect(attempt).rejects.toBeInstanceOf(InvalidAppendError);
      await expect(attempt).rejects.toThrow(message);
      expect(await counts(db)).toEqual(before);
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events, whoever asks', async () => {
    const id = newStream();
    await appendToStream(db, id, [added(1)], { ...options, expectedVersion: 'no-stream' });
    await expect(
      sql`UPDATE events SET data = '{"n":100}' WHERE stream_id = ${id}`.execute(db),
    ).rejects.toThrow(/events are immutable: UPDATE refused/);
    await expect(sql`DELETE FROM events WHERE stream_id = ${id}`.execute(db)).rejects.toThrow(
      /events are immutable: DELETE refused/,
    );
    await expect(sql`TRUNCATE events`.execute(db)).rejects.toThrow(/events are immutable: TRUNCATE refused/);
    expect((await readStream(db, id)).map((e) => e.data)).toEqual([{ n: 1 }]);
  });

  it('stores correlation, causation, the active traceparent and the schema version in metadata', async () => {
    const id = newStream();
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    });
    await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      appendToStream(db, id, [added(1), { type: 'Reset', data: { at: 'now' } }], {
        ...options,
        expectedVersion: 'no-stream',
        correlationId: 'corr-1',
        causationId: 'cmd-7',
        schemaVersions: { Reset: 2 },
      }),
    );
    const [first, second] = await readStream(db, id);
    expect(first?.metadata).toEqual({
      correlationId: 'corr-1',
      causationId: 'cmd-7',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      schemaVersion: 1,
    });
    expect(second?.metadata.schemaVersion).toBe(2);

    const outside = newStream();
    await appendToStream(db, outside, [added(1)], { ...options, expectedVersion: 'no-stream' });
    const [plain] = await readStream(db, outside);
    expect(plain?.metadata.traceparent).toBeUndefined();
    expect(plain?.metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(plain?.metadata.causationId).toBe(plain?.metadata.correlationId);
  });
});
