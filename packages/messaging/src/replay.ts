import type { IHeaders, Producer } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { replayTopic } from './consumer/dead-letter.js';
import { errorMessage } from './errors.js';
import { messagingView, type DeadLetterRow, type MessagingDatabase, type StoredHeader } from './tables.js';

/**
 * Which parked messages of a group to replay. Criteria combine with AND; `all: true` must be said
 * explicitly, so an empty selection never replays everything by accident.
 */
export interface ReplaySelection {
  all?: boolean;
  eventIds?: readonly string[];
  errorClass?: string;
  /** Parked at or after. */
  from?: Date;
  /** Parked before. */
  to?: Date;
}

export interface ReplayRequest {
  group: string;
  selection: ReplaySelection;
  /** List what would be replayed, send nothing (still audited). */
  dryRun?: boolean;
  /** Who asked: a user name, or `cli:<os user>`; recorded in the audit. */
  requestedBy: string;
}

/** A parked message as listed: what it was, why it failed, where it came from. */
export interface DeadLetterSummary {
  id: string;
  eventId: string | null;
  eventType: string | null;
  reason: string;
  errorClass: string;
  errorMessage: string;
  attempts: number;
  firstFailureAt: string;
  lastFailureAt: string;
  source: { topic: string; partition: number; offset: string };
  status: string;
  parkedAt: string;
}

export interface ReplayResult {
  replayId: string;
  dryRun: boolean;
  matched: DeadLetterSummary[];
  replayed: number;
}

/** The selection is empty or malformed; nothing was replayed. */
export class InvalidSelectionError extends Error {
  override readonly name = 'InvalidSelectionError';
  readonly retriable = false;
}

export function validateSelection(selection: ReplaySelection): void {
  const { all, eventIds, errorClass, from, to } = selection;
  if (!all && !eventIds?.length && !errorClass && !from && !to)
    throw new InvalidSelectionError('say which messages: all, event ids, an error class or a time range');
  if (all && (eventIds?.length || errorClass || from || to))
    throw new InvalidSelectionError('"all" cannot be combined with other criteria');
  for (const [name, date] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (date && Number.isNaN(date.getTime())) throw new InvalidSelectionError(`${name} is not a valid time`);
  if (from && to && from >= to) throw new InvalidSelectionError('from must be before to');
}

/**
 * Parked messages of a group matching a selection, oldest first.
 *
 * @example
 *   const parked = await listDeadLetters(db, 'inventory', { errorClass: 'PermanentError' });
 */
export async function listDeadLetters<DB>(
  db: Kysely<DB>,
  group: string,
  selection: ReplaySelection = { all: true },
  limit = 1000,
): Promise<DeadLetterSummary[]> {
  const rows = await selectParked(messagingView(db), group, selection).limit(limit).execute();
  return rows.map(summary);
}

/**
 * Feed parked messages back to their consumer group — and only to it — through `<group>.replay`,
 * with the original key, value and headers. Each request leaves an audit row in `dlq_replays`;
 * replayed rows are marked `replayed`, and become `resolved` when the group handles them.
 * Concurrent replays never send the same row twice (rows are locked, skipping locked ones).
 *
 * @example
 *   await replayDeadLetters(db, producer, { group: 'inventory', selection: { eventIds: [id] }, requestedBy: 'alice' });
 */
export async function replayDeadLetters<DB>(
  db: Kysely<DB>,
  producer: Producer,
  request: ReplayRequest,
): Promise<ReplayResult> {
  validateSelection(request.selection);
  const m = messagingView(db);
  const dryRun = request.dryRun ?? false;
  // The audit row is committed first, so a replay that fails half-way is still on record.
  const { id: replayId } = await m
    .insertInto('dlq_replays')
    .values({
      consumer_group: request.group,
      requested_by: request.requestedBy,
      selection: JSON.stringify(request.selection),
      dry_run: dryRun,
      error: null,
      finished_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  try {
    const result = await m.transaction().execute(async (tx) => {
      let query = selectParked(tx, request.group, request.selection);
      if (!dryRun) query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      if (!dryRun && rows.length > 0) {
        await producer.send({
          topic: replayTopic(request.group),
          acks: -1,
          messages: rows.map((row) => ({
            key: row.message_key,
            value: row.payload,
            headers: {
              ...restoreHeaders(row.headers),
              replay_dlq_id: String(row.id),
              replay_id: String(replayId),
            },
          })),
        });
        await messagingView(tx)
          .updateTable('dead_letters')
          .set({ status: 'replayed', replay_id: replayId })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
      }
      const replayed = dryRun ? 0 : rows.length;
      await messagingView(tx)
        .updateTable('dlq_replays')
        .set({ matched: rows.length, replayed, result: 'succeeded', finished_at: sql<Date>`now()` })
        .where('id', '=', replayId)
        .execute();
      return { replayId: String(replayId), dryRun, matched: rows.map(summary), replayed };
    });
    return result;
  } catch (error) {
    await m
      .updateTable('dlq_replays')
      .set({ result: 'failed', error: errorMessage(error), finished_at: sql<Date>`now()` })
      .where('id', '=', replayId)
      .execute();
    throw error;
  }
}

function selectParked(db: Kysely<MessagingDatabase>, group: string, selection: ReplaySelection) {
  validateSelection(selection);
  let query = db
    .selectFrom('dead_letters')
    .selectAll()
    .where('consumer_group', '=', group)
    .where('status', '=', 'parked')
    .orderBy('id');
  if (selection.eventIds?.length) query = query.where('event_id', 'in', [...selection.eventIds]);
  if (selection.errorClass) query = query.where('error_class', '=', selection.errorClass);
  if (selection.from) query = query.where('created_at', '>=', selection.from);
  if (selection.to) query = query.where('created_at', '<', selection.to);
  return query;
}

function restoreHeaders(stored: StoredHeader[]): IHeaders {
  const headers: Record<string, Buffer[]> = {};
  for (const [name, base64] of stored) (headers[name] ??= []).push(Buffer.from(base64, 'base64'));
  return Object.fromEntries(
    Object.entries(headers).map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}

function summary(row: DeadLetterRow): DeadLetterSummary {
  return {
    id: String(row.id),
    eventId: row.event_id,
    eventType: row.event_type,
    reason: row.reason,
    errorClass: row.error_class,
    errorMessage: row.error_message,
    attempts: row.attempts,
    firstFailureAt: row.first_failure_at.toISOString(),
    lastFailureAt: row.last_failure_at.toISOString(),
    source: { topic: row.source_topic, partition: row.source_partition, offset: String(row.source_offset) },
    status: row.status,
    parkedAt: row.created_at.toISOString(),
  };
}
