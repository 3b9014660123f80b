import type { Decider } from './decider.js';
import type { Event } from './event.js';
import { store, type Executor } from './executor.js';
import { readStream } from './read.js';

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
