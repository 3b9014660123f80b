import type { RecordPaymentCharged, RecordPaymentFailed } from './commands.js';
import type {
  AdditionalPaymentReceived,
  OrderCancelled,
  OrderConfirmed,
  PaymentCharged,
  PaymentReceivedAfterCancellation,
} from './events.js';
import { requireOrder } from './require-order.js';
import type { OrderState } from './state.js';

type PaymentChargedOutcome =
  | PaymentCharged
  | OrderConfirmed
  | OrderCancelled
  | PaymentReceivedAfterCancellation
  | AdditionalPaymentReceived;

/**
 * Payment charged the order.
 * - A payment id already known: a redelivery, nothing to do.
 * - The order is cancelled: recorded as PaymentReceivedAfterCancellation (payment refunds it).
 * - The order already has another payment: recorded as AdditionalPaymentReceived, for reconciliation.
 * - The charge is not the order's total: recorded, and the order is cancelled (payment-failed), so
 *   payment refunds it — a confirmed order is always one paid in full, never more.
 * - Otherwise recorded, and the order is confirmed if its stock is reserved already.
 */
export function recordPaymentCharged(
  command: RecordPaymentCharged,
  state: OrderState,
): PaymentChargedOutcome[] {
  const order = requireOrder(state, command.type);
  const { paymentId, amountMinor, currency } = command.data;
  const { now } = command.metadata;
  const known =
    order.payment?.paymentId === paymentId || order.unappliedPayments.some((p) => p.paymentId === paymentId);
  if (known) return [];

  const received = { orderId: order.orderId, paymentId, amountMinor, currency, receivedAt: now };
  if (order.status === 'cancelled') return [{ type: 'PaymentReceivedAfterCancellation', data: received }];
  if (order.payment !== null) return [{ type: 'AdditionalPaymentReceived', data: received }];

  const charged: PaymentCharged = {
    type: 'PaymentCharged',
    data: { orderId: order.orderId, paymentId, amountMinor, currency, chargedAt: now },
  };
  if (amountMinor !== order.totalMinor || currency !== order.currency) {
    const detail = `charged ${amountMinor} ${currency}, but the order total is ${order.totalMinor} ${order.currency}`;
    return [
      charged,
      {
        type: 'OrderCancelled',
        data: { orderId: order.orderId, reason: 'payment-failed', detail, cancelledAt: now },
      },
    ];
  }
  if (order.status !== 'reserved') return [charged];
  return [charged, { type: 'OrderConfirmed', data: { orderId: order.orderId, paymentId, confirmedAt: now } }];
}

/**
 * Payment could not charge: the order is cancelled. A failure after a successful charge (a stale
 * attempt) or after the order ended changes nothing.
 */
export function recordPaymentFailed(command: RecordPaymentFailed, state: OrderState): OrderCancelled[] {
  const order = requireOrder(state, command.type);
  if (order.payment !== null || (order.status !== 'placed' && order.status !== 'reserved')) return [];
  const { code, reason } = command.data;
  return [
    {
      type: 'OrderCancelled',
      data: {
        orderId: order.orderId,
        reason: 'payment-failed',
        detail: `${code}: ${reason}`,
        cancelledAt: command.metadata.now,
      },
    },
  ];
}
