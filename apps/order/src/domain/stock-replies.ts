import type { RecordStockInsufficient, RecordStockReserved } from './commands.js';
import type { OrderCancelled, OrderConfirmed, StockReserved } from './events.js';
import { requireOrder } from './require-order.js';
import type { OrderState } from './state.js';

/**
 * Inventory reserved the order's stock. Confirms at once when the charge overtook the reservation
 * (the two facts travel on different topics). A duplicate, or a reservation for an order that is
 * already cancelled, changes nothing here: inventory releases on OrderCancelled by itself.
 */
export function recordStockReserved(
  command: RecordStockReserved,
  state: OrderState,
): (StockReserved | OrderConfirmed)[] {
  const order = requireOrder(state, command.type);
  if (order.status !== 'placed') return [];
  const { now } = command.metadata;
  const reserved: StockReserved = {
    type: 'StockReserved',
    data: { orderId: order.orderId, reservedAt: now },
  };
  if (order.payment === null) return [reserved];
  return [
    reserved,
    {
      type: 'OrderConfirmed',
      data: { orderId: order.orderId, paymentId: order.payment.paymentId, confirmedAt: now },
    },
  ];
}

/**
 * Inventory could not reserve every line: the order is cancelled. Only a placed order reacts; once
 * stock is reserved (or the order has ended) the first fact stands.
 */
export function recordStockInsufficient(
  command: RecordStockInsufficient,
  state: OrderState,
): OrderCancelled[] {
  const order = requireOrder(state, command.type);
  if (order.status !== 'placed') return [];
  const detail = command.data.shortages
    .map(({ sku, requested, available }) => `${sku}: requested ${requested}, available ${available}`)
    .join('; ');
  return [
    {
      type: 'OrderCancelled',
      data: {
        orderId: order.orderId,
        reason: 'stock-insufficient',
        detail: detail === '' ? null : detail,
        cancelledAt: command.metadata.now,
      },
    },
  ];
}
