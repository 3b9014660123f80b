import { cancelOrder, expireOrder } from './cancellation.js';
import { assertNever } from './command.js';
import type { OrderCommand } from './commands.js';
import type { OrderEvent } from './events.js';
import { recordPaymentCharged, recordPaymentFailed } from './payment-replies.js';
import { placeOrder } from './place-order.js';
import { shipOrder } from './ship-order.js';
import type { OrderState } from './state.js';
import { recordStockInsufficient, recordStockReserved } from './stock-replies.js';

/**
 * The order's rules: the events a command causes in the current state, or a domain error.
 * Facts from other services (`Record…`) and the deadline never throw for a duplicate or a late
 * arrival — consumers redeliver — they record it or do nothing.
 */
export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'RecordStockReserved':
      return recordStockReserved(command, state);
    case 'RecordStockInsufficient':
      return recordStockInsufficient(command, state);
    case 'RecordPaymentCharged':
      return recordPaymentCharged(command, state);
    case 'RecordPaymentFailed':
      return recordPaymentFailed(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'ExpireOrder':
      return expireOrder(command, state);
    case 'ShipOrder':
      return shipOrder(command, state);
    default:
      return assertNever(command, 'order command');
  }
}
