import type { ShipOrder } from './commands.js';
import { OrderNotConfirmedError } from './errors.js';
import type { OrderShipped } from './events.js';
import { requireOrder } from './require-order.js';
import type { OrderState } from './state.js';

/**
 * Only a confirmed order ships; shipping it again (a retried request) is a no-op. Its stock stays
 * reserved at inventory until shipping consumes it.
 */
export function shipOrder(command: ShipOrder, state: OrderState): OrderShipped[] {
  const order = requireOrder(state, command.type);
  if (order.status === 'shipped') return [];
  if (order.status !== 'confirmed') throw new OrderNotConfirmedError(order.orderId, order.status);
  return [{ type: 'OrderShipped', data: { orderId: order.orderId, shippedAt: command.metadata.now } }];
}
