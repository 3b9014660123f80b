import { activeTraceparent } from '@acme/telemetry';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ConcurrencyError, InvalidAppendError, type ExpectedVersion } from './errors.js';
import type { Event, RecordedEvent } from './event.js';
import { store, type Executor } from './executor.js';
import type { EventMetadata } from './metadata.js';

export interface AppendOptions {
  /** The kind of aggregate the stream holds ("order", "sku"). */
  streamType: string;
  /** The version the caller decided on: a number (0, like `'no-stream'`: the stream must not exist yet), `'no-stream'` or `'any'`. */
  expectedVersion: ExpectedVersion;
  /** Event types this stream's decider knows; anything else is refused. */
  knownTypes?: readonly string[];
  /** Schema version of each event type's `data` (default 1). */
  schemaVersions?: Readonly<Partial<Record<string, number>>>;
  /** Correlation and causation of the command being handled; fresh ids when absent. */
  correlationId?: string;
  causationId?: string;
  /** Extra metadata stored with every event of this append. */
  metadata?: Record<string, unknown>;
  /** Largest serialised `data` accepted, in bytes (default 1 MiB). */
  maxEventBytes?: number;
}

export interface AppendResult<E extends Event = Event> {
  streamId: string;
  /** The stream's version after the append: the expected version of the next one. */
  nextExpectedVersion: number;
  events: RecordedEvent<E>[];
}

const defaultMaxEventBytes = 1024 * 1024;

/**
 * Append events to a stream with optimistic concurrency, inside the caller's transaction.
 * Several appends in one transaction make a multi-stream append: all or nothing. Validation comes
 * before any write, so a refused append leaves the transaction untouched.
 *
 * @example
 *   await db.transaction().execute((tx) =>
 *     appendToStream(tx, `order-${id}`, [{ type: 'OrderPlaced', data }], {
 *       streamType: 'order',
 *       expectedVersion: 'no-stream',
 *     }),
 *   );
 */
export async function appendToStream<E extends Event>(
  db: Executor,
  streamId: string,
  events: readonly E[],
  options: AppendOptions,
): Promise<AppendResult<E>> {
  const rows = prepare(streamId, events, options);
  const inserted = await insertAtVersion(db, streamId, options, rows);
  if (inserted.length === 0) throw await conflict(db, streamId, options.expectedVersion);
  // RETURNING order is not promised to follow the input order; versions are, one per input event.
  const stored = inserted.sort((x, y) => x.version - y.version);
  return {
    streamId,
    nextExpectedVersion: stored[stored.length - 1]?.version ?? 0,
    events: stored.map((row, i) => {
      const event = events[i];
      const prepared = rows[i];
      if (!event || !prepared) throw new Error(`append to ${streamId}: no input for version ${row.version}`);
      return {
        ...event,
        streamId,
        streamType: options.streamType,
        version: row.version,
        globalPosition: row.global_position,
        transactionId: row.transaction_id,
        recordedAt: row.recorded_at,
        metadata: prepared.metadata,
      };
    }),
  };
}

interface PreparedRow {
  type: string;
  data: string;
  metadata: EventMetadata;
}

function prepare(streamId: string, events: readonly Event[], options: AppendOptions): PreparedRow[] {
  if (streamId.trim() === '') throw new InvalidAppendError(streamId, 'the stream id is empty');
  const { expectedVersion } = options;
  if (typeof expectedVersion === 'number' && !(Number.isInteger(expectedVersion) && expectedVersion >= 0))
    throw new InvalidAppendError(streamId, `expected version ${expectedVersion} is not a whole number ≥ 0`);
  if (events.length === 0) throw new InvalidAppendError(streamId, 'nothing to append (an empty event list)');
  const max = options.maxEventBytes ?? defaultMaxEventBytes;
  const correlationId = options.correlationId ?? randomUUID();
  const causationId = options.causationId ?? correlationId;
  const traceparent = activeTraceparent();
  return events.map((event) => {
    if (options.knownTypes && !options.knownTypes.includes(event.type))
      throw new InvalidAppendError(
        streamId,
        `event type "${event.type}" is unknown to ${options.streamType} streams (known: ${options.knownTypes.join(', ')})`,
      );
    const data = JSON.stringify(event.data);
    const bytes = Buffer.byteLength(data);
    if (bytes > max)
      throw new InvalidAppendError(
        streamId,
        `${event.type} data is ${bytes} bytes, more than the ${max} allowed`,
      );
    return {
      type: event.type,
      data,
      metadata: {
        ...options.metadata,
        correlationId,
        causationId,
        ...(traceparent ? { traceparent } : {}),
        schemaVersion: options.schemaVersions?.[event.type] ?? 1,
      },
    };
  });
}

interface InsertedRow {
  global_position: bigint;
  transaction_id: bigint;
  version: number;
  recorded_at: Date;
}

/**
 * Move the stream's version and insert the events in one call of `event_store_append` (see its
 * migration): atomic even without an enclosing transaction, one round trip, a cached plan. No rows
 * back = the expectation did not hold.
 */
async function insertAtVersion(
  db: Executor,
  streamId: string,
  options: AppendOptions,
  rows: readonly PreparedRow[],
): Promise<InsertedRow[]> {
  const { expectedVersion: expected, streamType } = options;
  const [mode, version] =
    expected === 'any'
      ? ['any', 0]
      : expected === 'no-stream' || expected === 0
        ? ['no-stream', 0]
        : ['exact', expected];
  const result = await sql<InsertedRow>`
    SELECT * FROM event_store_append(
      ${streamId}, ${streamType}, ${mode}, ${version},
      ${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.data)}::jsonb[],
      ${rows.map((r) => JSON.stringify(r.metadata))}::jsonb[], ${rows.map((r) => r.metadata.schemaVersion)}::integer[])`.execute(
    db,
  );
  return result.rows;
}

async function conflict(
  db: Executor,
  streamId: string,
  expected: ExpectedVersion,
): Promise<ConcurrencyError> {
  const actual = await store(db)
    .selectFrom('streams')
    .select('version')
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  return new ConcurrencyError(streamId, expected, actual?.version ?? 0);
}
