import { executePrepared, preparedStatement } from '@acme/postgres';
import type { Decider } from './decider.js';
import type { Event } from './event.js';
import { store, type Executor } from './executor.js';
import { readStream, toRecorded } from './read.js';
import type { EventRow } from './schema.js';

export interface AggregateOptions {
  /** The state as it was right after this version (time travel). */
  asOfVersion?: number;
  /** The state as it was at this instant (time travel). */
  asOf?: Date;
}

export interface Aggregate<State> {
  state: State;
  /** The stream's version the state reflects; 0 when the stream has no events (yet). */
  version: number;
  /** The snapshot version the fold started from, when one was used. */
  fromSnapshot?: number;
  /** Events folded on top of the initial state or snapshot. */
  eventsRead: number;
}

/**
 * Fold a stream into its decider's state — now, or as of a version or an instant.
 *
 * @example
 *   const { state, version } = await aggregateStream(db, 'order-42', orderDecider);
 *   const before = await aggregateStream(db, 'order-42', orderDecider, { asOfVersion: 2 });
 */
export async function aggregateStream<State, Command, E extends Event>(
  db: Executor,
  streamId: string,
  decider: Decider<State, Command, E>,
  options: AggregateOptions = {},
): Promise<Aggregate<State>> {
  if (options.asOf === undefined && options.asOfVersion === undefined)
    return currentAggregate(db, streamId, decider);
  const snapshot =
    options.asOf === undefined ? await loadSnapshot(db, streamId, decider, options.asOfVersion) : undefined;
  let state = snapshot ? (snapshot.state as State) : decider.initialState();
  let version = snapshot?.version ?? 0;
  const events = await readStream<E>(db, streamId, {
    fromVersion: version + 1,
    ...(options.asOfVersion === undefined ? {} : { toVersion: options.asOfVersion }),
    ...(options.asOf === undefined ? {} : { recordedUpTo: options.asOf }),
    upcast: decider.upcast,
  });
  for (const event of events) {
    state = decider.evolve(state, event);
    version = event.version;
  }
  return {
    state,
    version,
    ...(snapshot ? { fromSnapshot: snapshot.version } : {}),
    eventsRead: events.length,
  };
}

/**
 * The current state in one round trip: the snapshot (when the decider keeps them) and the events
 * after it come back from one prepared statement — the snapshot as a row of its own, first. Every
 * command of every service loads its stream this way, so the second round trip and the two
 * queries kysely built per load were paid on every message.
 */
async function currentAggregate<State, Command, E extends Event>(
  db: Executor,
  streamId: string,
  decider: Decider<State, Command, E>,
): Promise<Aggregate<State>> {
  // No decider snapshots under a negative schema version: the snapshot branch finds nothing.
  const rows = await executePrepared<LoadRow>(db, loadCurrent, [
    streamId,
    decider.snapshot?.schemaVersion ?? -1,
  ]);
  const aggregate = emptyAggregate(decider);
  for (const row of rows) foldRow(aggregate, row, decider);
  return aggregate;
}

/**
 * The current state of many streams of one decider in one round trip (see `aggregateStream`): for
 * a run of commands handled together. A stream with no events has the initial state at version 0.
 *
 * @example
 *   const orders = await aggregateStreams(tx, ids.map(orderStreamId), orderDecider);
 *   orders.get(orderStreamId(id))?.version;
 */
export async function aggregateStreams<State, Command, E extends Event>(
  db: Executor,
  streamIds: readonly string[],
  decider: Decider<State, Command, E>,
): Promise<Map<string, Aggregate<State>>> {
  const unique = [...new Set(streamIds)];
  const loaded = new Map(unique.map((id) => [id, emptyAggregate(decider)]));
  if (unique.length === 0) return loaded;
  const rows = await executePrepared<LoadRow>(db, loadManyCurrent, [
    unique,
    decider.snapshot?.schemaVersion ?? -1,
  ]);
  for (const row of rows) {
    const aggregate = loaded.get(row.stream_id);
    if (aggregate) foldRow(aggregate, row, decider);
  }
  return loaded;
}

const emptyAggregate = <State, Command, E extends Event>(
  decider: Decider<State, Command, E>,
): Aggregate<State> => ({ state: decider.initialState(), version: 0, eventsRead: 0 });

/** One row of a load into its stream's aggregate: the snapshot it starts from, or an event after it. */
function foldRow<State, Command, E extends Event>(
  aggregate: Aggregate<State>,
  row: LoadRow,
  decider: Decider<State, Command, E>,
): void {
  aggregate.version = row.version;
  if (row.snapshot) {
    aggregate.state = row.data as State;
    aggregate.fromSnapshot = row.version;
    return;
  }
  const recorded = toRecorded<E>(row);
  aggregate.state = decider.evolve(aggregate.state, decider.upcast ? decider.upcast(recorded) : recorded);
  aggregate.eventsRead++;
}

type LoadRow = EventRow & { snapshot: boolean };

const eventColumns =
  'global_position, transaction_id, stream_id, stream_type, version, type, data, metadata, schema_version, recorded_at';

// The snapshot row carries its state in `data` and its version; the events after it follow, in
// order (the snapshot's version is below all of theirs).
const loadCurrent = preparedStatement(
  'event_store_load_current',
  `WITH snap AS (
     SELECT version, state FROM snapshots WHERE stream_id = $1 AND schema_version = $2::integer
   )
   SELECT true AS snapshot, NULL::bigint AS global_position, NULL::xid8 AS transaction_id,
          $1 AS stream_id, NULL::text AS stream_type, snap.version, NULL::text AS type,
          snap.state AS data, NULL::jsonb AS metadata, NULL::integer AS schema_version,
          NULL::timestamptz AS recorded_at
     FROM snap
   UNION ALL
   SELECT false, ${eventColumns} FROM events
    WHERE stream_id = $1 AND version > coalesce((SELECT version FROM snap), 0)
   ORDER BY version`,
);

// Per stream as `loadCurrent`: its snapshot row, then its events after it; streams one after another.
const loadManyCurrent = preparedStatement(
  'event_store_load_many_current',
  `WITH ids AS (
     SELECT DISTINCT unnest($1::text[]) AS stream_id
   ), snap AS (
     SELECT s.stream_id, s.version, s.state FROM snapshots s JOIN ids USING (stream_id)
      WHERE s.schema_version = $2::integer
   )
   SELECT true AS snapshot, NULL::bigint AS global_position, NULL::xid8 AS transaction_id,
          snap.stream_id, NULL::text AS stream_type, snap.version, NULL::text AS type,
          snap.state AS data, NULL::jsonb AS metadata, NULL::integer AS schema_version,
          NULL::timestamptz AS recorded_at
     FROM snap
   UNION ALL
   SELECT false, e.global_position, e.transaction_id, e.stream_id, e.stream_type, e.version, e.type,
          e.data, e.metadata, e.schema_version, e.recorded_at
     FROM ids JOIN events e USING (stream_id) LEFT JOIN snap USING (stream_id)
    WHERE e.version > coalesce(snap.version, 0)
   ORDER BY stream_id, version`,
);

async function loadSnapshot<State, Command, E extends Event>(
  db: Executor,
  streamId: string,
  decider: Decider<State, Command, E>,
  asOfVersion: number | undefined,
): Promise<{ state: unknown; version: number } | undefined> {
  if (!decider.snapshot) return undefined;
  const row = await store(db)
    .selectFrom('snapshots')
    .select(['state', 'version'])
    .where('stream_id', '=', streamId)
    .where('schema_version', '=', decider.snapshot.schemaVersion)
    .executeTakeFirst();
  if (!row || (asOfVersion !== undefined && row.version > asOfVersion)) return undefined;
  return row;
}

/**
 * Store the state when the stream crossed a multiple of `snapshot.every` between `fromVersion` and
 * `toVersion`. Runs in the appending transaction, so a snapshot never runs ahead of its events.
 */
export async function maybeSnapshot<State, Command, E extends Event>(
  db: Executor,
  streamId: string,
  decider: Decider<State, Command, E>,
  state: State,
  fromVersion: number,
  toVersion: number,
): Promise<boolean> {
  const every = decider.snapshot?.every;
  if (!decider.snapshot || !every || Math.floor(toVersion / every) === Math.floor(fromVersion / every))
    return false;
  const row = {
    stream_id: streamId,
    version: toVersion,
    schema_version: decider.snapshot.schemaVersion,
    state: JSON.stringify(state),
  };
  await store(db)
    .insertInto('snapshots')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('stream_id')
        .doUpdateSet({ version: row.version, schema_version: row.schema_version, state: row.state }),
    )
    .execute();
  return true;
}
