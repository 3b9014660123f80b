import { sql } from 'kysely';
import {
  cancelDeadline,
  DeadlineRequestError,
  pruneDeadlines,
  schedule,
  type ScheduleRequest,
} from '../src/index.js';
import { deadlineRow, inMs, scratchDatabase, type ScratchDatabase } from './support.js';

let scratch: ScratchDatabase;

beforeAll(async () => {
  scratch = await scratchDatabase();
});

afterAll(async () => {
  await scratch.drop();
});

async function rowCount(): Promise<number> {
  const { count } = await scratch.db
    .selectFrom('deadlines')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

const good: ScheduleRequest = {
  kind: 'order.timeout',
  key: 'order-1',
  dueAt: inMs(60_000),
  payload: { orderId: 'order-1', reason: 'timeout', lines: [1, 2] },
};

describe('schedule', () => {
  it('stores the deadline inside the caller transaction, pending, with its payload as JSON', async () => {
    const outcome = await scratch.db.transaction().execute((tx) => schedule(tx, good));
    expect(outcome).toBe('created');
    const row = await deadlineRow(scratch.db, good.kind, good.key);
    expect(row).toMatchObject({
      kind: good.kind,
      key: good.key,
      due_at: good.dueAt,
      payload: good.payload,
      attempts: 0,
      last_error: null,
      fired_at: null,
      cancelled_at: null,
    });
    expect(typeof row?.id).toBe('bigint');
  });

  it('writes nothing when the transaction rolls back', async () => {
    const before = await rowCount();
    await expect(
      scratch.db.transaction().execute(async (tx) => {
        await schedule(tx, { ...good, key: 'rolled-back' });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await rowCount()).toBe(before);
    expect(await deadlineRow(scratch.db, good.kind, 'rolled-back')).toBeUndefined();
  });

  it('is idempotent per (kind, key): re-scheduling a pending one moves it, a finished one stays', async () => {
    const key = 'idempotent';
    expect(await schedule(scratch.db, { ...good, key })).toBe('created');
    const later = inMs(120_000);
    expect(await schedule(scratch.db, { ...good, key, dueAt: later, payload: 'second' })).toBe('updated');
    expect(await deadlineRow(scratch.db, good.kind, key)).toMatchObject({ due_at: later, payload: 'second' });
    // Same key, another kind: a deadline of its own.
    expect(await schedule(scratch.db, { ...good, kind: 'order.reminder', key })).toBe('created');

    expect(await cancelDeadline(scratch.db, { kind: good.kind, key })).toBe(true);
    expect(await schedule(scratch.db, { ...good, key, payload: 'third' })).toBe('finished');
    const row = await deadlineRow(scratch.db, good.kind, key);
    expect(row).toMatchObject({ payload: 'second', due_at: later });
    expect(row?.cancelled_at).toBeInstanceOf(Date);
    const { count } = await scratch.db
      .selectFrom('deadlines')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(2);
  });

  const circular: Record<string, unknown> = {};
  circular.self = circular;
  it.each<[string, Partial<ScheduleRequest>, RegExp]>([
    ['an empty kind', { kind: '' }, /kind must be a non-empty string/],
    ['a non-string key', { key: 42 as unknown as string }, /key must be a non-empty string/],
    ['an empty key', { key: '' }, /key must be a non-empty string/],
    ['an invalid date', { dueAt: new Date('not a date') }, /dueAt must be a valid Date/],
    ['a timestamp instead of a Date', { dueAt: Date.now() as unknown as Date }, /dueAt must be a valid Date/],
    ['a circular payload', { payload: circular as never }, /payload is not JSON-serialisable/],
    ['a bigint in the payload', { payload: { n: 1n } as never }, /a bigint is not JSON/],
    ['NaN in the payload', { payload: [Number.NaN] }, /NaN is not JSON/],
    ['a function payload', { payload: (() => 1) as never }, /a function is not JSON/],
    ['U+0000 in the payload', { payload: 'a\u0000b' }, /must not contain U\+0000/],
  ])('refuses %s with a clear error and writes nothing', async (_, change, message) => {
    const before = await rowCount();
    const error: unknown = await schedule(scratch.db, { ...good, key: 'bad', ...change }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeadlineRequestError);
    expect((error as DeadlineRequestError).message).toMatch(message);
    expect((error as DeadlineRequestError).retriable).toBe(false);
    expect(await rowCount()).toBe(before);
  });

  it('refuses a bad cancel request the same way', async () => {
    await expect(cancelDeadline(scratch.db, { kind: 'order.timeout', key: '' })).rejects.toThrow(
      DeadlineRequestError,
    );
  });
});

describe('cancelDeadline', () => {
  it('cancels a pending deadline once, inside the caller transaction', async () => {
    await schedule(scratch.db, { ...good, key: 'cancel-me' });
    // Rolled back: still pending.
    await expect(
      scratch.db.transaction().execute(async (tx) => {
        expect(await cancelDeadline(tx, { kind: good.kind, key: 'cancel-me' })).toBe(true);
        throw new Error('confirmation failed');
      }),
    ).rejects.toThrow('confirmation failed');
    expect((await deadlineRow(scratch.db, good.kind, 'cancel-me'))?.cancelled_at).toBeNull();

    expect(await cancelDeadline(scratch.db, { kind: good.kind, key: 'cancel-me' })).toBe(true);
    expect(await cancelDeadline(scratch.db, { kind: good.kind, key: 'cancel-me' })).toBe(false);
    expect(await cancelDeadline(scratch.db, { kind: good.kind, key: 'never-scheduled' })).toBe(false);
  });
});

describe('pruneDeadlines', () => {
  it('deletes fired and cancelled deadlines older than the retention, never pending ones', async () => {
    for (const key of ['p-fired', 'p-cancelled', 'p-pending', 'p-recent']) {
      await schedule(scratch.db, { kind: 'prune', key, dueAt: inMs(-1000) });
    }
    await sql`UPDATE deadlines SET fired_at = now() - interval '2 hours' WHERE kind = 'prune' AND key = 'p-fired'`.execute(
      scratch.db,
    );
    await sql`UPDATE deadlines SET cancelled_at = now() - interval '2 hours' WHERE kind = 'prune' AND key = 'p-cancelled'`.execute(
      scratch.db,
    );
    await cancelDeadline(scratch.db, { kind: 'prune', key: 'p-recent' });

    expect(await pruneDeadlines(scratch.db, { olderThanMs: 3600_000, batchSize: 1 })).toBe(2);
    const left = await scratch.db
      .selectFrom('deadlines')
      .select('key')
      .where('kind', '=', 'prune')
      .orderBy('key')
      .execute();
    expect(left.map((r) => r.key)).toEqual(['p-pending', 'p-recent']);
    // A pruned (kind, key) can be scheduled afresh.
    expect(await schedule(scratch.db, { kind: 'prune', key: 'p-fired', dueAt: inMs(1000) })).toBe('created');
  });
});
