import type { EventMetadata } from './metadata.js';

/**
 * A domain event as deciders see it: a discriminated union member `{ type, data }`.
 *
 * @example
 *   type OrderEvent =
 *     | Event<'OrderPlaced', { customerId: string; totalMinor: number }>
 *     | Event<'OrderCancelled', { reason: string }>;
 */
export interface Event<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** An event as stored: its place in its stream and in the whole log, and its metadata. */
export type RecordedEvent<E extends Event = Event> = E & {
  streamId: string;
  streamType: string;
  /** 1 for a stream's first event. */
  version: number;
  globalPosition: bigint;
  transactionId: bigint;
  recordedAt: Date;
  metadata: EventMetadata;
};
