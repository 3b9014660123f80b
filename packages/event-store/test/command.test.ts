import { sql, type Kysely, type Transaction } from 'kysely';
import {
  appendToStream,
  handleCommand,
  IdempotencyKeyReusedError,
  readStream,
  withConflictRetry,
  type EventStoreDatabase,
} from '../src/index.js';
import { counter, NotPositiveError, type CounterCommand } from './support/counter.js';
import { counts, openStore } from './support/store.js';

let db: Kysely<EventStoreDatabase>;
let close: () => Promise<void>;
beforeAll(async () => ({ db, close } = await openStore(30)));
afterAll(() => close());

const add = (streamId: string, n: number, extra = {}) =>
  handleCommand(db, { decider: counter, streamId, command: { type: 'Add', n }, ...extra });

describe('handleCommand', () => {
  it('loads, decides and appends, returning the new state and events', async () => {
    await add('c1', 2);
    const outcome = await add('c1', 3, { correlationId: 'corr', causationId: 'req-1' });
    expect(outcome).toMatchObject({
      streamId: 'c1',
      state: { total: 5, adds: 2 },
      nextExpectedVersion: 2,
      replayed: false,
    });
    expect(outcome.events).toHaveLength(1);
    expect(outcome.events[0]).toMatchObject({ type: 'Added', data: { n: 3 }, version: 2 });
    expect(outcome.events[0]?.metadata).toMatchObject({ correlationId: 'corr', causationId: 'req-1' });
  });

  it('appends nothing when the decider decides nothing', async () => {
    const before = await counts(db);
    const outcome = await handleCommand(db, { decider: counter, streamId: 'c1', command: { type: 'Noop' } });
    expect(outcome).toMatchObject({ events: [], nextExpectedVersion: 2, state: { total: 5 } });
    expect(await counts(db)).toEqual(before);
  });

  it('passes domain errors through and writes nothing', async () => {
    const before = await counts(db);
    await expect(add('c1', -1)).rejects.toBeInstanceOf(NotPositiveError);
    expect(await counts(db)).toEqual(before);
  });

  it('retries on conflicts, so concurrent commands on one stream all take effect, in some order', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => add('hot', i + 1, { maxAttempts: 50 })),
    );
    expect(outcomes.map((o) => o.nextExpectedVersion).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const events = await readStream(db, 'hot');
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(events.reduce((sum, e) => sum + (e.data as { n: number }).n, 0)).toBe(78);
  });

  it('gives up with a retriable error after the allowed attempts', async () => {
    // A appends and holds its transaction open; B loads the stream without A's event, decides, and
    // its append waits for A — then finds the stream moved. With one attempt allowed, B gives up.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended: () => void = () => undefined;
    const aAppended = new Promise<void>((resolve) => (appended = resolve));
    const a = add('contended', 1, {
      afterAppend: async () => {
        appended();
        await held;
      },
    });
    await aAppended;
    let decided: () => void = () => undefined;
    const bDecided = new Promise<void>((resolve) => (decided = resolve));
    const b = handleCommand(db, {
      decider: {
        ...counter,
        decide: (command, state) => {
          decided();
          return counter.decide(command, state);
        },
      },
      streamId: 'contended',
      command: { type: 'Add' as const, n: 2 },
      maxAttempts: 1,
    });
    await bDecided; // B has loaded the stream without A's event
    release();
    await a;
    await expect(b).rejects.toMatchObject({ name: 'TooManyConflictsError', retriable: true, attempts: 1 });
    expect((await readStream(db, 'contended')).map((e) => e.data)).toEqual([{ n: 1 }]);
  });

  it('answers a retried command with the first result instead of acting twice', async () => {
    const first = await add('idem', 4, { idempotencyKey: 'key-1' });
    const again = await add('idem', 4, { idempotencyKey: 'key-1' });
    expect(again).toMatchObject({ replayed: true, nextExpectedVersion: 1, state: first.state });
    expect(again.events.map((e) => e.globalPosition)).toEqual(first.events.map((e) => e.globalPosition));
    expect(await readStream(db, 'idem')).toHaveLength(1);
  });

  it('acts once when the same key arrives concurrently', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => add('idem-race', 1, { idempotencyKey: 'key-race' })),
    );
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(await readStream(db, 'idem-race')).toHaveLength(1);
  });

  it('treats a retry read off the clock later as the same command (metadata is not part of it)', async () => {
    const retry = (now: number) =>
      handleCommand(db, {
        decider: counter,
        streamId: 'idem-clock',
        command: { type: 'Add', n: 2, metadata: { now } } as CounterCommand,
        idempotencyKey: 'key-clock',
      });
    await retry(1_000);
    expect(await retry(9_000)).toMatchObject({ replayed: true });
    expect(await readStream(db, 'idem-clock')).toHaveLength(1);
  });

  it('refuses a key reused for a different command', async () => {
    await add('idem2', 1, { idempotencyKey: 'key-2' });
    await expect(add('idem2', 2, { idempotencyKey: 'key-2' })).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(await readStream(db, 'idem2')).toHaveLength(1);
  });

  it('runs afterAppend in the same transaction: if it fails, nothing is written', async () => {
    const before = await counts(db);
    await expect(
      add('outboxed', 1, {
        afterAppend: () => Promise.reject(new Error('outbox unavailable')),
      }),
    ).rejects.toThrow('outbox unavailable');
    expect(await counts(db)).toEqual(before);

    const seen: number[] = [];
    await add('outboxed', 1, {
      afterAppend: (_tx: unknown, outcome: { events: { version: number }[] }) => {
        seen.push(...outcome.events.map((e) => e.version));
        return Promise.resolve();
      },
    });
    expect(seen).toEqual([1]);
  });
});

describe('handleCommand inside a caller transaction (an event handler)', () => {
  it('joins it: a conflict undoes only the attempt, the caller’s earlier writes stay, and it commits with the caller', async () => {
    await add('joined', 1);
    let attempts = 0;
    await db.transaction().execute(async (tx) => {
      await handleCommand(tx, { decider: counter, streamId: 'joined-side', command: { type: 'Add', n: 7 } });
      await withConflictRetry(
        tx,
        async (inner) => {
          attempts += 1;
          // The first attempt decides on a stale version, as if another writer had moved the stream.
          const expectedVersion = attempts === 1 ? 0 : 1;
          await appendToStream(inner, 'joined', [{ type: 'Added', data: { n: 2 } }], {
            streamType: 'counter',
            expectedVersion,
          });
        },
        { what: 'joined' },
      );
    });
    expect(attempts).toBe(2);
    expect((await readStream(db, 'joined')).map((e) => e.version)).toEqual([1, 2]);
    expect(await readStream(db, 'joined-side')).toHaveLength(1);
  });

  it('rolls back with the caller', async () => {
    await expect(
      db.transaction().execute(async (tx) => {
        await handleCommand(tx, {
          decider: counter,
          streamId: 'rolled-back',
          command: { type: 'Add', n: 1 },
        });
        throw new Error('the handler failed later');
      }),
    ).rejects.toThrow('the handler failed later');
    expect(await readStream(db, 'rolled-back')).toEqual([]);
  });
});

describe('handleCommand joining transactions without an idempotency key (no savepoints)', () => {
  it('retries conflicts inside each caller transaction, so concurrent handlers all take effect', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db.transaction().execute((tx) =>
          handleCommand(tx, {
            decider: counter,
            streamId: 'joined-hot',
            command: { type: 'Add', n: i + 1 },
            maxAttempts: 50,
          }),
        ),
      ),
    );
    expect(outcomes.map((o) => o.nextExpectedVersion).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    const events = await readStream(db, 'joined-hot');
    expect(events.reduce((sum, e) => sum + (e.data as { n: number }).n, 0)).toBe(36);
  });

  it('turns a conflict raised after its own append into a retriable error for the caller', async () => {
    await add('after-append-other', 1);
    const attempt = db.transaction().execute((tx) =>
      handleCommand(tx, {
        decider: counter,
        streamId: 'after-append-own',
        command: { type: 'Add', n: 1 },
        afterAppend: async (inner) => {
          // A second stream appended at a stale version: its conflict cannot be undone without a savepoint.
          await appendToStream(inner, 'after-append-other', [{ type: 'Added', data: { n: 1 } }], {
            streamType: 'counter',
            expectedVersion: 0,
          });
        },
      }),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'TooManyConflictsError', retriable: true });
    expect(await readStream(db, 'after-append-own')).toEqual([]);
  });
});

describe('withConflictRetry and a deadlock', () => {
  // Two writers lock two streams in opposite orders (an advisory lock per stream), each waiting
  // until the other holds its first: Postgres breaks the deadlock by rolling one of them back (after
  // deadlock_timeout, 1 s).
  async function crosswise(
    prefix: string,
    run: (work: (tx: Transaction<unknown>) => Promise<void>) => Promise<void>,
  ) {
    const [a, b] = [`${prefix}-a`, `${prefix}-b`];
    await add(a, 1);
    await add(b, 1);
    let holding = 0;
    let bothHold!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHold = resolve));
    let attempts = 0;
    const writer = (first: string, second: string) =>
      run(async (tx) => {
        attempts += 1;
        const lock = (streamId: string) =>
          sql`SELECT pg_advisory_xact_lock(hashtext(${streamId}))`.execute(tx);
        await lock(first);
        if (++holding === 2) bothHold();
        await barrier;
        await lock(second);
        for (const streamId of [first, second])
          await appendToStream(tx, streamId, [{ type: 'Added', data: { n: 1 } }], {
            streamType: 'counter',
            expectedVersion: 'any',
          });
      });
    const settled = await Promise.allSettled([writer(a, b), writer(b, a)]);
    return {
      settled,
      attempts,
      versions: [(await readStream(db, a)).length, (await readStream(db, b)).length],
    };
  }

  it('runs a transaction of its own again when Postgres made it the deadlock victim', async () => {
    const { settled, attempts, versions } = await crosswise('deadlock-own', (work) =>
      withConflictRetry(db, work, { what: 'crosswise' }),
    );
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(attempts).toBe(3);
    expect(versions).toEqual([3, 3]);
  });

  it("leaves a deadlock in a caller's transaction to the caller (its transaction is aborted)", async () => {
    const { settled, attempts, versions } = await crosswise('deadlock-joined', (work) =>
      db.transaction().execute((tx) => withConflictRetry(tx, work, { what: 'crosswise' })),
    );
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(rejected.map((s) => (s.reason as { code?: string }).code)).toEqual(['40P01']);
    expect(attempts).toBe(2);
    expect(versions).toEqual([2, 2]);
  });
});
