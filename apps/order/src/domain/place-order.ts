import type { PlaceOrder } from './commands.js';
import { OrderAlreadyExistsError, OrderValidationError } from './errors.js';
import type { OrderPlaced } from './events.js';
import type { OrderState } from './state.js';
import { orderTotal, validatePlaceOrder } from './validation.js';

/**
 * A valid order is placed once. Placing it again with the same content (a client retry without an
 * idempotency key) changes nothing; with other content it is a conflict. `deadlineAt` and the time
 * are left out of "same content": a retry computes them afresh.
 */
export function placeOrder(command: PlaceOrder, state: OrderState): OrderPlaced[] {
  const { data, metadata } = command;
  const errors = validatePlaceOrder(data, metadata.now);
  if (errors.length > 0) throw new OrderValidationError(errors);

  const placed = orderPlaced(command);
  if (state.status === 'none') return [placed];
  if (sameOrder(state, placed.data)) return [];
  throw new OrderAlreadyExistsError(data.orderId);
}

function orderPlaced({ data, metadata }: PlaceOrder): OrderPlaced {
  return {
    type: 'OrderPlaced',
    data: {
      orderId: data.orderId,
      customer: { id: data.customer.id, email: data.customer.email, name: data.customer.name ?? null },
      lines: data.lines.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
      currency: data.currency,
      // Validation proved the total is a safe integer.
      totalMinor: orderTotal(data.lines) ?? 0,
      paymentToken: data.paymentToken,
      placedAt: metadata.now,
      deadlineAt: data.deadlineAt,
    },
  };
}

type Content = Pick<OrderPlaced['data'], 'orderId' | 'customer' | 'lines' | 'currency' | 'paymentToken'>;

function sameOrder(a: Content, b: Content): boolean {
  return (
    a.orderId === b.orderId &&
    a.customer.id === b.customer.id &&
    a.customer.email === b.customer.email &&
    a.customer.name === b.customer.name &&
    a.currency === b.currency &&
    a.paymentToken === b.paymentToken &&
    a.lines.length === b.lines.length &&
    a.lines.every((line, i) => {
      const other = b.lines[i];
      return (
        line.sku === other?.sku &&
        line.quantity === other.quantity &&
        line.unitPriceMinor === other.unitPriceMinor
      );
    })
  );
}
