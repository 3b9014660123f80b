import type { Event, RecordedEvent } from './event.js';

/**
 * A stream's business rules as two pure functions, Emmett-style: `decide` turns a command and the
 * current state into new events (or throws a domain error), `evolve` folds an event into the state.
 * Neither does I/O nor reads the clock: time and new ids arrive in the command.
 *
 * @example
 *   const counter: Decider<number, { add: number }, Event<'Added', { n: number }>> = {
 *     streamType: 'counter',
 *     eventTypes: ['Added'],
 *     initialState: () => 0,
 *     evolve: (state, event) => state + event.data.n,
 *     decide: (command) => [{ type: 'Added', data: { n: command.add } }],
 *   };
 */
export interface Decider<State, Command, E extends Event> {
  streamType: string;
  /** Every event type `evolve` understands; appends of any other type are refused. */
  eventTypes: readonly E['type'][];
  initialState(): State;
  evolve(state: State, event: E): State;
  decide(command: Command, state: State): E[];
  /** Schema version of each event type's data (default 1). */
  schemaVersions?: Readonly<Partial<Record<E['type'], number>>>;
  /**
   * Store the state every `every` events (it must survive JSON). Bump `schemaVersion` whenever the
   * state's shape or `evolve` changes: older snapshots are then ignored and rebuilt from events.
   */
  snapshot?: { every: number; schemaVersion: number };
  /**
   * Lift an event stored in an older shape (an older `type`, or `metadata.schemaVersion` below the
   * current one) to the shape `evolve` knows; applied to every event read for this decider. Events
   * stay as they were written — corrections and reshapes happen on read, never in place.
   * `defineUpcasters` of `@acme/contracts` builds one from per-version steps.
   */
  upcast?: (event: RecordedEvent) => RecordedEvent<E>;
}
