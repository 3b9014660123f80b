import type { OrderCommand } from './commands.js';
import { OrderNotFoundError } from './errors.js';
import type { Order, OrderState } from './state.js';

/** Every command but PlaceOrder is about an existing order; nothing creates one by accident. */
export function requireOrder(state: OrderState, command: OrderCommand['type']): Order {
  if (state.status === 'none') throw new OrderNotFoundError(command);
  return state;
}
