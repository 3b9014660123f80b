import type { RecordedEvent } from '@acme/event-store';
import type { Cause } from '@acme/messaging';
import {
  cancelDeadline,
  cancelDeadlines,
  schedule,
  scheduleMany,
  type ScheduleRequest,
} from '@acme/scheduler';
import type { Transaction } from 'kysely';
import type { OrderEvent } from '../domain/index.js';

/** The durable deadline of an order (key: the order id). */
export const ORDER_TIMEOUT = 'order.timeout';

/** What the deadline remembers of the order's request: the timeout continues its correlation. */
export interface OrderTimeoutPayload {
  correlationId: string;
  /** The trace of the request that placed the order: its timeout joins that trace. */
  traceparent?: string;
}

/**
 * Keep the order's deadline in step with its stream, in the appending transaction: scheduled when
 * the order is placed, cancelled when it is confirmed or cancelled. A cancellation for timeout
 * leaves the deadline alone — that deadline is the one firing, and its worker marks it fired in
 * this same transaction (a deadline is fired or cancelled, never both).
 */
export async function followDeadline(
  tx: Transaction<unknown>,
  events: readonly RecordedEvent<OrderEvent>[],
  cause: Cause,
): Promise<void> {
  for (const event of events) {
    const key = event.data.orderId;
    if (event.type === 'OrderPlaced') await scheduleTimeout(tx, event, cause);
    else if (endsDeadline(event)) await cancelDeadline(tx, { kind: ORDER_TIMEOUT, key });
  }
}

/**
 * `followDeadline` for a run of commands: the deadlines they start scheduled in one statement, and
 * those they end cancelled in another.
 */
export async function followDeadlines(
  tx: Transaction<unknown>,
  runs: readonly { events: readonly RecordedEvent<OrderEvent>[]; cause: Cause | undefined }[],
): Promise<void> {
  const started: ScheduleRequest[] = [];
  const ended: string[] = [];
  for (const { events, cause } of runs)
    for (const event of events) {
      if (event.type === 'OrderPlaced' && cause) started.push(timeoutOf(event, cause));
      else if (endsDeadline(event)) ended.push(event.data.orderId);
    }
  await scheduleMany(tx, started);
  await cancelDeadlines(tx, ORDER_TIMEOUT, ended);
}

/** Confirmed, or cancelled for another reason than the timeout (that deadline is the one firing). */
const endsDeadline = (event: RecordedEvent<OrderEvent>): boolean =>
  event.type === 'OrderConfirmed' || (event.type === 'OrderCancelled' && event.data.reason !== 'timeout');

async function scheduleTimeout(
  tx: Transaction<unknown>,
  event: RecordedEvent<OrderEvent> & { type: 'OrderPlaced' },
  cause: Cause,
): Promise<void> {
  await schedule(tx, timeoutOf(event, cause));
}

function timeoutOf(
  event: RecordedEvent<OrderEvent> & { type: 'OrderPlaced' },
  cause: Cause,
): ScheduleRequest {
  const payload: OrderTimeoutPayload = {
    correlationId: cause.correlationId,
    ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
  };
  return {
    kind: ORDER_TIMEOUT,
    key: event.data.orderId,
    dueAt: new Date(event.data.deadlineAt),
    payload: { ...payload },
  };
}
