import type { EventDataByType } from '@acme/contracts';
import { assertNever, type RecordedEvent } from '@acme/event-store';
import type { Cause, OutgoingEvent } from '@acme/messaging';
import type { CancellationReason, OrderEvent } from '../domain/index.js';

/** The contract types the order service publishes (their schemas are registered at start-up). */
export const orderIntegrationEventTypes = [
  'com.acme.order.placed.v2',
  'com.acme.order.confirmed.v1',
  'com.acme.order.cancelled.v1',
  'com.acme.order.shipped.v1',
] as const satisfies readonly (keyof EventDataByType)[];

const contractReason = {
  'stock-insufficient': 'STOCK_INSUFFICIENT',
  'payment-failed': 'PAYMENT_FAILED',
  'customer-request': 'CUSTOMER_REQUEST',
  timeout: 'TIMEOUT',
} as const satisfies Record<CancellationReason, EventDataByType['com.acme.order.cancelled.v1']['reason']>;

/**
 * The public facts among an order's new domain events, in their contract shape. Every path that
 * appends to an order stream (HTTP, event handlers, the deadline) publishes through this one
 * mapping, so none can forget one. The events StockReserved, PaymentCharged and the unapplied
 * payments are the order's notes about other services' facts: they stay inside.
 */
export function toIntegrationEvents(
  events: readonly RecordedEvent<OrderEvent>[],
  cause: Cause,
): OutgoingEvent[] {
  return events.flatMap((event): OutgoingEvent[] => {
    const time = event.recordedAt;
    switch (event.type) {
      case 'OrderPlaced': {
        const { customer, lines, ...rest } = event.data;
        const data = { ...rest, customer: { ...customer }, lines: lines.map((line) => ({ ...line })) };
        return [outgoing('com.acme.order.placed.v2', data, cause, time)];
      }
      case 'OrderConfirmed': {
        const { orderId, paymentId, confirmedAt } = event.data;
        return [outgoing('com.acme.order.confirmed.v1', { orderId, paymentId, confirmedAt }, cause, time)];
      }
      case 'OrderCancelled': {
        const { orderId, reason, detail, cancelledAt } = event.data;
        const data = { orderId, reason: contractReason[reason], detail, cancelledAt };
        return [outgoing('com.acme.order.cancelled.v1', data, cause, time)];
      }
      case 'OrderShipped':
        return [outgoing('com.acme.order.shipped.v1', event.data, cause, time)];
      case 'StockReserved':
      case 'PaymentCharged':
      case 'PaymentReceivedAfterCancellation':
      case 'AdditionalPaymentReceived':
        return [];
      default:
        return assertNever(event, 'order event');
    }
  });
}

/** Typed by the contract: the compiler checks the data against the event type's schema. */
function outgoing<T extends (typeof orderIntegrationEventTypes)[number]>(
  type: T,
  data: EventDataByType[T],
  cause: Cause,
  time: Date,
): OutgoingEvent {
  const subject = data.orderId;
  return { type, subject, data, cause, time };
}
