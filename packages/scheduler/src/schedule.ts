import { executePrepared, preparedStatement } from '@acme/postgres';
import { sql, type Kysely, type Transaction } from 'kysely';
import { deadlinesView, type JsonValue } from './table.js';

export interface ScheduleRequest {
  /** What to do when it is due; a `DeadlineWorker` handles the kinds it was given, e.g. "order.timeout". */
  kind: string;
  /** Identifies the deadline within its kind, e.g. the order id. (kind, key) is unique. */
  key: string;
  dueAt: Date;
  /** Handed to the handler; JSON (default null). */
  payload?: JsonValue;
}

export interface DeadlineRef {
  kind: string;
  key: string;
}

/**
 * What `schedule` did: `created` a new pending deadline, `updated` the due time and payload of the
 * pending one with this (kind, key), or nothing because that one already `finished` (fired or
 * cancelled; a finished (kind, key) is never revived — pick a new key to schedule again).
 */
export type ScheduleOutcome = 'created' | 'updated' | 'finished';

/** A schedule or cancel request the scheduler refuses; nothing was written. Never worth retrying. */
export class DeadlineRequestError extends Error {
  override readonly name = 'DeadlineRequestError';
  readonly retriable = false;

  constructor(readonly reason: string) {
    super(`deadline request: ${reason}`);
  }
}

/**
 * Schedule a deadline inside the caller's transaction, so it exists if and only if the business
 * change commits. Idempotent per (kind, key): scheduling a pending one again moves it to the new
 * `dueAt` and `payload` (last write wins); a fired or cancelled one is left as it is.
 * Invalid input throws `DeadlineRequestError` before anything is written.
 *
 * @example
 *   await db.transaction().execute(async (tx) => {
 *     await placeOrder(tx, order);
 *     await schedule(tx, { kind: 'order.timeout', key: order.id, dueAt: new Date(Date.now() + 15 * 60_000) });
 *   });
 */
export async function schedule<DB>(
  db: Kysely<DB> | Transaction<DB>,
  request: ScheduleRequest,
): Promise<ScheduleOutcome> {
  validateRef(request);
  const { dueAt } = request;
  if (!(dueAt instanceof Date) || Number.isNaN(dueAt.getTime()))
    throw new DeadlineRequestError('dueAt must be a valid Date');
  const payload = serialise(request.payload === undefined ? null : request.payload);
  const row = await deadlinesView(db)
    .insertInto('deadlines')
    .values({ kind: request.kind, key: request.key, due_at: dueAt, payload })
    .onConflict((oc) =>
      oc
        .columns(['kind', 'key'])
        .doUpdateSet((eb) => ({ due_at: eb.ref('excluded.due_at'), payload: eb.ref('excluded.payload') }))
        .where('deadlines.fired_at', 'is', null)
        .where('deadlines.cancelled_at', 'is', null),
    )
    // xmax is 0 on a freshly inserted row version, the updater's xid on an updated one.
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirst();
  if (!row) return 'finished';
  return row.inserted ? 'created' : 'updated';
}

/**
 * `schedule` for many deadlines in one statement (a run of commands handled together), with the
 * same rules per (kind, key); when one is listed twice, the last one counts. Invalid input throws
 * `DeadlineRequestError` before anything is written.
 *
 * @example
 *   await scheduleMany(tx, orders.map((o) => ({ kind: 'order.timeout', key: o.id, dueAt: o.deadline })));
 */
export async function scheduleMany<DB>(
  db: Kysely<DB> | Transaction<DB>,
  requests: readonly ScheduleRequest[],
): Promise<void> {
  const last = new Map<string, ScheduleRequest>();
  for (const request of requests) {
    validateRef(request);
    if (!(request.dueAt instanceof Date) || Number.isNaN(request.dueAt.getTime()))
      throw new DeadlineRequestError('dueAt must be a valid Date');
    last.set(JSON.stringify([request.kind, request.key]), request);
  }
  if (last.size === 0) return;
  const rows = [...last.values()];
  await executePrepared(db, scheduleStatement, [
    rows.map((r) => r.kind),
    rows.map((r) => r.key),
    rows.map((r) => r.dueAt.toISOString()),
    rows.map((r) => serialise(r.payload === undefined ? null : r.payload)),
  ]);
}

const scheduleStatement = preparedStatement(
  'scheduler_schedule_many',
  `INSERT INTO deadlines (kind, key, due_at, payload)
   SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[])
   ON CONFLICT (kind, key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload
    WHERE deadlines.fired_at IS NULL AND deadlines.cancelled_at IS NULL`,
);

/**
 * Cancel the pending deadline (kind, key) inside the caller's transaction. Returns true when a
 * pending one was cancelled, false when there is none (never scheduled, already fired, cancelled
 * or pruned). A deadline being fired right now is locked by its worker: the cancel waits for it and
 * then returns false, so "fired" and "cancelled" never both happen.
 */
export async function cancelDeadline<DB>(
  db: Kysely<DB> | Transaction<DB>,
  ref: DeadlineRef,
): Promise<boolean> {
  validateRef(ref);
  const result = await deadlinesView(db)
    .updateTable('deadlines')
    .set({ cancelled_at: sql<Date>`now()` })
    .where('kind', '=', ref.kind)
    .where('key', '=', ref.key)
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Lock the pending deadline (kind, key) for the rest of the caller's transaction, before touching
 * what its firing would touch: a worker claiming it meanwhile skips it (and finds it settled later),
 * and a worker already firing it is waited for. Without this, a transaction that changes the
 * deadline's subject first and cancels the deadline after can deadlock with the worker, which
 * holds the deadline and then changes the subject. Returns whether a pending deadline was there.
 *
 * @example
 *   await holdDeadline(tx, { kind: 'order.timeout', key: orderId }); // then append, then cancelDeadline
 */
export async function holdDeadline<DB>(tx: Kysely<DB> | Transaction<DB>, ref: DeadlineRef): Promise<boolean> {
  // Outside a transaction the lock would end with the statement: a caller's mistake, not a no-op.
  if (!tx.isTransaction) throw new DeadlineRequestError("holdDeadline needs the caller's transaction");
  validateRef(ref);
  const row = await deadlinesView(tx)
    .selectFrom('deadlines')
    .select('id')
    .where('kind', '=', ref.kind)
    .where('key', '=', ref.key)
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * `holdDeadline` for many keys of one kind at once (a run of messages handled together): the
 * pending ones are locked in key order, so two runs holding overlapping keys wait on each other
 * instead of deadlocking. Returns how many pending deadlines were there.
 *
 * @example
 *   await holdDeadlines(tx, 'order.timeout', orderIds); // then append, then cancelDeadlines
 */
export async function holdDeadlines<DB>(
  tx: Kysely<DB> | Transaction<DB>,
  kind: string,
  keys: readonly string[],
): Promise<number> {
  if (!tx.isTransaction) throw new DeadlineRequestError("holdDeadlines needs the caller's transaction");
  for (const key of keys) validateRef({ kind, key });
  if (keys.length === 0) return 0;
  const [row] = await executePrepared<{ held: number }>(tx, holdStatement, [kind, [...new Set(keys)]]);
  return row?.held ?? 0;
}

/** `cancelDeadline` for many keys of one kind in one statement; returns how many were cancelled. */
export async function cancelDeadlines<DB>(
  db: Kysely<DB> | Transaction<DB>,
  kind: string,
  keys: readonly string[],
): Promise<number> {
  for (const key of keys) validateRef({ kind, key });
  if (keys.length === 0) return 0;
  const [row] = await executePrepared<{ cancelled: number }>(db, cancelStatement, [kind, [...new Set(keys)]]);
  return row?.cancelled ?? 0;
}

// Rows are locked as they leave the sort: in key order.
const holdStatement = preparedStatement(
  'scheduler_hold_deadlines',
  `SELECT count(*)::int AS held FROM (
     SELECT id FROM deadlines
      WHERE kind = $1 AND key = ANY($2::text[]) AND fired_at IS NULL AND cancelled_at IS NULL
      ORDER BY key
        FOR UPDATE
   ) pending`,
);

const cancelStatement = preparedStatement(
  'scheduler_cancel_deadlines',
  `WITH cancelled AS (
     UPDATE deadlines SET cancelled_at = now()
      WHERE kind = $1 AND key = ANY($2::text[]) AND fired_at IS NULL AND cancelled_at IS NULL
     RETURNING 1
   )
   SELECT count(*)::int AS cancelled FROM cancelled`,
);

function validateRef(ref: DeadlineRef): void {
  if (typeof ref.kind !== 'string' || ref.kind === '')
    throw new DeadlineRequestError('kind must be a non-empty string');
  if (typeof ref.key !== 'string' || ref.key === '')
    throw new DeadlineRequestError('key must be a non-empty string');
}

/** `JSON.stringify` as it behaves: `undefined` for a value JSON cannot express at all. */
const stringify = JSON.stringify as (
  value: unknown,
  replacer: (key: string, value: unknown) => unknown,
) => string | undefined;

/** JSON text of the payload, refusing what would not come back as the same value. */
function serialise(payload: unknown): string {
  let text: string | undefined;
  try {
    text = stringify(payload, (_, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`${value} is not JSON`);
      if (typeof value === 'bigint') throw new Error('a bigint is not JSON');
      if (typeof value === 'function' || typeof value === 'symbol')
        throw new Error(`a ${typeof value} is not JSON`);
      return value;
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new DeadlineRequestError(`payload is not JSON-serialisable: ${why}`);
  }
  if (text === undefined) throw new DeadlineRequestError('payload is not JSON-serialisable');
  // jsonb cannot store U+0000.
  if (text.includes('\\u0000')) throw new DeadlineRequestError('payload must not contain U+0000');
  return text;
}
