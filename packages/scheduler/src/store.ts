import { sql, type Kysely, type Transaction } from 'kysely';
import type { JsonValue, SchedulerDatabase } from './table.js';

/** A due deadline as its handler sees it. */
export interface Deadline {
  id: bigint;
  kind: string;
  key: string;
  dueAt: Date;
  payload: JsonValue;
  /** Failed attempts so far (0 on the first). */
  attempts: number;
  createdAt: Date;
}

/**
 * The earliest due pending deadline of these kinds, locked for the rest of the transaction; rows
 * another worker holds are skipped, so any number of workers share the work without waiting.
 */
export async function claimNext(
  tx: Transaction<SchedulerDatabase>,
  kinds: readonly string[],
): Promise<Deadline | undefined> {
  const row = await tx
    .selectFrom('deadlines')
    .select(['id', 'kind', 'key', 'due_at', 'payload', 'attempts', 'created_at'])
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where('due_at', '<=', sql<Date>`now()`)
    .where('kind', '=', sql<string>`ANY(${[...kinds]}::text[])`)
    .orderBy('due_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    // A kysely instance not made by `@acme/postgres` connect hands int8 over as a string.
    id: BigInt(String(row.id)),
    kind: row.kind,
    key: row.key,
    dueAt: row.due_at,
    payload: row.payload,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}

export async function markFired(tx: Transaction<SchedulerDatabase>, id: bigint): Promise<void> {
  await tx
    .updateTable('deadlines')
    .set({ fired_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** The deadline stays pending, due again after `retryInMs`; attempts and error are for people. */
export async function recordFailure(
  db: Kysely<SchedulerDatabase>,
  id: bigint,
  error: string,
  retryInMs: number,
): Promise<void> {
  await db
    .updateTable('deadlines')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error.slice(0, 2000),
      due_at: sql<Date>`now() + ${Math.round(retryInMs)} * interval '1 millisecond'`,
    }))
    .where('id', '=', id)
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .execute();
}

export interface PendingStats {
  /** Pending (not fired, not cancelled) deadlines per kind, due or not. */
  pendingByKind: Map<string, number>;
  /** How long the oldest due-but-unfired deadline is past its due time (0 when none). */
  overdueSeconds: number;
}

export async function pendingStats(db: Kysely<SchedulerDatabase>): Promise<PendingStats> {
  const [byKind, overdue] = await Promise.all([
    db
      .selectFrom('deadlines')
      .select(['kind', sql<string>`count(*)`.as('pending')])
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .groupBy('kind')
      .execute(),
    db
      .selectFrom('deadlines')
      .select(sql<number | null>`extract(epoch from now() - min(due_at))::float8`.as('age'))
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('due_at', '<=', sql<Date>`now()`)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    pendingByKind: new Map(byKind.map((r) => [r.kind, Number(r.pending)])),
    overdueSeconds: overdue.age ?? 0,
  };
}
