import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { sql, Transaction } from 'kysely';
import { aggregateStream, maybeSnapshot } from './aggregate.js';
import { appendToStream } from './append.js';
import type { Decider } from './decider.js';
import { ConcurrencyError, IdempotencyKeyReusedError, TooManyConflictsError } from './errors.js';
import type { Event, RecordedEvent } from './event.js';
import { store, type Executor } from './executor.js';
import { readStream } from './read.js';

export interface HandleCommandOptions<State, Command, E extends Event> {
  decider: Decider<State, Command, E>;
  streamId: string;
  command: Command;
  /** A retried request with the same key gets the first result instead of acting twice. */
  idempotencyKey?: string;
  correlationId?: string;
  causationId?: string;
  /** Attempts when another writer moved the stream in between (default 5). */
  maxAttempts?: number;
  /**
   * Runs in the same transaction, after the append: enqueue the integration events in the outbox
   * here, so they leave the service if and only if the domain events were stored.
   */
  afterAppend?: (tx: Transaction<unknown>, outcome: CommandOutcome<State, E>) => Promise<void>;
}

export interface CommandOutcome<State, E extends Event> {
  streamId: string;
  /** Events this command appended (empty when `decide` found nothing to do). */
  events: RecordedEvent<E>[];
  state: State;
  nextExpectedVersion: number;
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
}

interface StoredResult {
  streamId: string;
  fromVersion: number;
  toVersion: number;
}

/**
 * Load → decide → append (+ `afterAppend`) in one transaction; on a version conflict, reload and
 * decide again, up to `maxAttempts` times. Domain errors thrown by `decide` pass through untouched.
 * Given a transaction (an event handler's), the command joins it: see `withConflictRetry`.
 *
 * @example
 *   const outcome = await handleCommand(db, {
 *     decider: orderDecider,
 *     streamId: `order-${orderId}`,
 *     command: { type: 'PlaceOrder', data, metadata: { now } },
 *     idempotencyKey: request.headers['idempotency-key'],
 *     afterAppend: (tx, { events }) => enqueue(tx, events.map(toIntegrationMessage)),
 *   });
 */
export async function handleCommand<State, Command, E extends Event>(
  db: Executor,
  options: HandleCommandOptions<State, Command, E>,
): Promise<CommandOutcome<State, E>> {
  // Joining a caller's transaction without an idempotency key, an attempt writes nothing before its
  // append, and the append reports a conflict as "no rows", not as an error: a conflicting attempt
  // leaves the transaction clean and needs no savepoint (two round trips fewer per event handled).
  // A conflict raised after the append (by afterAppend) cannot be undone that way: it becomes
  // TooManyConflictsError, retriable, and the caller retries the whole transaction.
  const unprotected = db instanceof Transaction && options.idempotencyKey === undefined;
  return withConflictRetry(db, (tx) => attemptOnce(tx, options, unprotected), {
    what: options.streamId,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    savepoint: !unprotected,
  });
}

export interface ConflictRetryOptions {
  /** Named in `TooManyConflictsError` (a stream id, or what the work is about). */
  what: string;
  /** Attempts in all (default 5). */
  maxAttempts?: number;
  /**
   * In a caller's transaction, run each attempt under a savepoint (default true). Only work that
   * writes nothing before it can throw `ConcurrencyError` may turn it off.
   */
  savepoint?: boolean;
}

/**
 * Runs `work` in a transaction and runs it again when it throws `ConcurrencyError` (another writer
 * moved a stream it read), up to `maxAttempts` times; then `TooManyConflictsError` (retriable).
 * Given a connection, each attempt is a transaction of its own, and one that Postgres rolled back
 * as a deadlock victim or a serialization failure is run again too (the whole attempt is undone,
 * so nothing is done twice). Given a transaction — an event handler's inbox transaction — each
 * attempt runs under a savepoint, so a conflict undoes only the attempt and the caller's earlier
 * writes stay; a deadlock there aborted the caller's transaction, and is the caller's to retry.
 *
 * @example
 *   // Several streams decided together: all appended, or none
 *   await withConflictRetry(ctx.tx, async (tx) => {
 *     const skus = await Promise.all(lines.map((l) => aggregateStream(tx, skuStreamId(l.sku), skuDecider)));
 *     for (const append of reserveOrderStock(...)) await appendToStream(tx, append.streamId, ...);
 *   }, { what: `reservation-${orderId}` });
 */
export async function withConflictRetry<T>(
  db: Executor,
  work: (tx: Transaction<unknown>) => Promise<T>,
  options: ConflictRetryOptions,
): Promise<T> {
  const attempts = options.maxAttempts ?? 5;
  const once =
    db instanceof Transaction
      ? options.savepoint === false
        ? () => work(db)
        : () => underSavepoint(db, work)
      : () => db.transaction().execute((tx) => work(tx as Transaction<unknown>));
  const ownsTransaction = !(db instanceof Transaction);
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      const again = error instanceof ConcurrencyError || (ownsTransaction && rolledBackByPostgres(error));
      if (!again) throw error;
      if (attempt >= attempts) throw new TooManyConflictsError(options.what, attempt, { cause: error });
      // Spread the losers out a little so they do not collide again at once.
      await delay(Math.random() * 5 * attempt);
    }
  }
}

/** SQLSTATE 40001 (serialization failure) and 40P01 (deadlock detected): the transaction was undone. */
function rolledBackByPostgres(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

async function underSavepoint<T>(
  tx: Transaction<unknown>,
  work: (tx: Transaction<unknown>) => Promise<T>,
): Promise<T> {
  await sql`SAVEPOINT conflict_retry`.execute(tx);
  try {
    const result = await work(tx);
    await sql`RELEASE SAVEPOINT conflict_retry`.execute(tx);
    return result;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT conflict_retry`.execute(tx);
    throw error;
  }
}

async function attemptOnce<State, Command, E extends Event>(
  tx: Transaction<unknown>,
  options: HandleCommandOptions<State, Command, E>,
  unprotected: boolean,
): Promise<CommandOutcome<State, E>> {
  const { decider, streamId, idempotencyKey } = options;
  if (idempotencyKey !== undefined) {
    const earlier = await claimKey(tx, idempotencyKey, fingerprint(streamId, options.command));
    if (earlier) return replay(tx, decider, earlier);
  }

  const current = await aggregateStream(tx, streamId, decider);
  const events = decider.decide(options.command, current.state);
  let outcome: CommandOutcome<State, E> = {
    streamId,
    events: [],
    state: current.state,
    nextExpectedVersion: current.version,
    replayed: false,
  };
  if (events.length > 0) {
    const appended = await appendToStream(tx, streamId, events, {
      streamType: decider.streamType,
      expectedVersion: current.version, // 0 = the stream must not exist yet
      knownTypes: decider.eventTypes,
      ...(decider.schemaVersions ? { schemaVersions: decider.schemaVersions } : {}),
      ...(options.correlationId ? { correlationId: options.correlationId } : {}),
      ...(options.causationId ? { causationId: options.causationId } : {}),
    });
    const state = appended.events.reduce((s, event) => decider.evolve(s, event), current.state);
    await maybeSnapshot(tx, streamId, decider, state, current.version, appended.nextExpectedVersion);
    outcome = {
      ...outcome,
      events: appended.events,
      state,
      nextExpectedVersion: appended.nextExpectedVersion,
    };
    try {
      await options.afterAppend?.(tx, outcome);
    } catch (error) {
      if (unprotected && error instanceof ConcurrencyError)
        throw new TooManyConflictsError(streamId, 1, { cause: error });
      throw error;
    }
  }
  if (idempotencyKey !== undefined) {
    const result: StoredResult = {
      streamId,
      fromVersion: current.version + 1,
      toVersion: outcome.nextExpectedVersion,
    };
    await store(tx)
      .updateTable('command_results')
      .set({ result: sql`${JSON.stringify(result)}::jsonb` })
      .where('idempotency_key', '=', idempotencyKey)
      .execute();
  }
  return outcome;
}

/**
 * Take the key for this transaction, or return the first call's result. A concurrent call with the
 * same key waits on the key's row until the first commits (then replays) or rolls back (then acts).
 */
async function claimKey(
  tx: Transaction<unknown>,
  key: string,
  print: string,
): Promise<StoredResult | undefined> {
  const claimed = await store(tx)
    .insertInto('command_results')
    .values({ idempotency_key: key, fingerprint: print, result: 'null' })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('idempotency_key')
    .executeTakeFirst();
  if (claimed) return undefined;
  const row = await store(tx)
    .selectFrom('command_results')
    .select(['fingerprint', 'result'])
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
  if (row.fingerprint !== print) throw new IdempotencyKeyReusedError(key);
  return row.result as StoredResult;
}

async function replay<State, Command, E extends Event>(
  tx: Transaction<unknown>,
  decider: Decider<State, Command, E>,
  earlier: StoredResult,
): Promise<CommandOutcome<State, E>> {
  const events =
    earlier.toVersion >= earlier.fromVersion
      ? await readStream<E>(tx, earlier.streamId, {
          fromVersion: earlier.fromVersion,
          toVersion: earlier.toVersion,
          upcast: decider.upcast,
        })
      : [];
  const { state } = await aggregateStream(tx, earlier.streamId, decider, { asOfVersion: earlier.toVersion });
  return {
    streamId: earlier.streamId,
    events,
    state,
    nextExpectedVersion: earlier.toVersion,
    replayed: true,
  };
}

/**
 * What the command asks for: its `metadata` (when it was read off the clock, who sent it) is left
 * out, so a client retrying the same request with the same key gets the first result back.
 */
function fingerprint(streamId: string, command: unknown): string {
  const what =
    typeof command === 'object' && command !== null && 'metadata' in command
      ? { ...command, metadata: undefined }
      : command;
  return createHash('sha256')
    .update(JSON.stringify([streamId, what]))
    .digest('hex');
}
