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

/**
 * A command as a decider receives it: what to do (`data`) and when (`metadata.now`, epoch ms). The
 * application reads the clock and makes new ids once per command; deciders never do.
 *
 * @example
 *   type CancelOrder = Command<'CancelOrder', { reason: 'customer' }>;
 *   const cancel: CancelOrder = { type: 'CancelOrder', data: { reason: 'customer' }, metadata: { now } };
 */
export interface Command<Type extends string, Data> {
  type: Type;
  data: Data;
  metadata: CommandMetadata;
}

export interface CommandMetadata {
  /** Epoch milliseconds, read once by the application for this command. */
  now: number;
}

/** Compile-time proof that a `switch` covered every member of a union; throws if reached anyway. */
export function assertNever(value: never, what = 'case'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
