import type { CancelOrder, ExpireOrder } from './commands.js';
import { OrderAlreadyShippedError, OrderDeadlineNotReachedError } from './errors.js';
import type { OrderCancelled } from './events.js';
import { requireOrder } from './require-order.js';
import type { Order, OrderState } from './state.js';

/**
 * The customer cancels: allowed until the order ships (a confirmed order is refunded and released
 * by payment and inventory when they see OrderCancelled); cancelling a cancelled order is a no-op.
 */
export function cancelOrder(command: CancelOrder, state: OrderState): OrderCancelled[] {
  const order = requireOrder(state, command.type);
  switch (order.status) {
    case 'shipped':
      throw new OrderAlreadyShippedError(order.orderId);
    case 'cancelled':
      return [];
    default:
      return [cancelled(order, 'customer-request', null, command.metadata.now)];
  }
}

/**
 * The deadline came due: an order still waiting for stock or payment is cancelled (timeout). One
 * that was confirmed, cancelled or shipped first is left alone — whichever fact reached the stream
 * first wins, and the loser is a no-op.
 */
export function expireOrder(command: ExpireOrder, state: OrderState): OrderCancelled[] {
  const order = requireOrder(state, command.type);
  if (order.status !== 'placed' && order.status !== 'reserved') return [];
  const { now } = command.metadata;
  if (now < order.deadlineAt) throw new OrderDeadlineNotReachedError(order.orderId, order.deadlineAt, now);
  return [cancelled(order, 'timeout', `not confirmed by the deadline: ${waitingFor(order)}`, now)];
}

function waitingFor(order: Order): string {
  const missing = [
    ...(order.reservedAt === null ? ['stock reservation'] : []),
    ...(order.payment === null ? ['payment'] : []),
  ];
  return `waiting for ${missing.join(' and ')}`;
}

function cancelled(
  order: Order,
  reason: OrderCancelled['data']['reason'],
  detail: string | null,
  now: number,
): OrderCancelled {
  return { type: 'OrderCancelled', data: { orderId: order.orderId, reason, detail, cancelledAt: now } };
}
