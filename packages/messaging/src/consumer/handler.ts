import type { Transaction } from 'kysely';
import type { Envelope } from '../envelope.js';
import type { Cause } from '../publish.js';

/** A consumed event as a handler sees it. */
export interface InboundEvent<T = unknown> {
  /** The type the handler subscribed to; an older version on the wire was upcast to it. */
  readonly type: string;
  readonly data: T;
  /** The envelope as received (its `type` is the one on the wire). */
  readonly envelope: Envelope;
  /** The consumer group handling it (one service may run several). */
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Pass this to the events the handler publishes: correlation kept, causation = this event. */
  readonly cause: Cause;
}

/**
 * One subscription of a consumer group: an event type, an optional EventBridge-style filter, and
 * the work, which runs in the transaction that also records the event in the inbox. Throw a
 * `RetriableError` or `PermanentError` (or any error with a `retriable` flag) to choose between
 * retry and the dead-letter topic.
 *
 * @example
 *   { type: 'com.acme.order.placed.v2', filter: { data: { totalMinor: [{ numeric: ['>=', 10000] }] } },
 *     handle: async (event, tx) => { await reserve(tx, event.data); } }
 */
export interface Handler<DB = unknown, T = unknown> {
  readonly type: string;
  /** EventBridge event pattern over `{ ...envelope, data }`; compiled (and checked) at start-up. */
  readonly filter?: unknown;
  handle(event: InboundEvent<T>, tx: Transaction<DB>): Promise<void>;
  /**
   * Optional set-based form, used when the consumer handles batches (`batchSize > 1`): a run of
   * consecutive events for this handler (duplicates already removed), in partition order, in one
   * transaction — so a projection can write them with one statement instead of one per event.
   * Handlers of several types that share one `handleBatch` function get one call for a run mixing
   * their types (a partition of one topic interleaves them), so that function must take any of them.
   */
  handleBatch?(events: readonly InboundEvent<T>[], tx: Transaction<DB>): Promise<void>;
}

/** One step of lifting an old event version to the next: `com.acme.order.placed.v1` → `.v2`. */
export interface UpcastStep {
  readonly to: string;
  lift(data: unknown): unknown;
}
