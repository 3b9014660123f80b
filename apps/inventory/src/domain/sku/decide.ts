import { assertNever } from '../command.js';
import { InsufficientStockError, InventoryValidationError, ReservationMismatchError } from '../errors.js';
import { checkOrderId, checkQuantity, checkSku, collectErrors, type FieldError } from '../validation.js';
import type { AddStock, ReleaseStock, ReserveStock, SkuCommand } from './commands.js';
import type { SkuEvent, StockAdded, StockReleased, StockReserved } from './events.js';
import { available, reservedFor, type SkuState } from './state.js';

export function decideSku(command: SkuCommand, state: SkuState): SkuEvent[] {
  switch (command.type) {
    case 'AddStock':
      return addStock(command, state);
    case 'ReserveStock':
      return reserveStock(command, state);
    case 'ReleaseStock':
      return releaseStock(command, state);
    default:
      return assertNever(command, 'sku command');
  }
}

function addStock({ data, metadata }: AddStock, state: SkuState): StockAdded[] {
  throwIfAny(
    collectErrors((fail) => {
      checkSku(data.sku, 'sku', fail);
      checkQuantity(data.quantity, 'quantity', fail);
      if (Number.isSafeInteger(data.quantity) && !Number.isSafeInteger(state.onHand + data.quantity)) {
        fail('quantity', `would take the stock on hand beyond ${Number.MAX_SAFE_INTEGER}`);
      }
    }),
  );
  return [{ type: 'StockAdded', data: { sku: data.sku, quantity: data.quantity, addedAt: metadata.now } }];
}

/** Never oversells: refuses when fewer than `quantity` units are available. */
function reserveStock({ data, metadata }: ReserveStock, state: SkuState): StockReserved[] {
  throwIfAny(
    collectErrors((fail) => {
      checkSku(data.sku, 'sku', fail);
      checkOrderId(data.orderId, fail);
      checkQuantity(data.quantity, 'quantity', fail);
    }),
  );
  const held = reservedFor(state, data.orderId);
  if (held === data.quantity) return [];
  if (held !== undefined) throw new ReservationMismatchError(data.sku, data.orderId, held, data.quantity);
  if (available(state) < data.quantity)
    throw new InsufficientStockError(data.sku, data.quantity, available(state));
  return [
    {
      type: 'StockReserved',
      data: { sku: data.sku, orderId: data.orderId, quantity: data.quantity, reservedAt: metadata.now },
    },
  ];
}

function releaseStock({ data, metadata }: ReleaseStock, state: SkuState): StockReleased[] {
  const held = reservedFor(state, data.orderId);
  if (held === undefined) return [];
  return [
    {
      type: 'StockReleased',
      data: { sku: data.sku, orderId: data.orderId, quantity: held, releasedAt: metadata.now },
    },
  ];
}

function throwIfAny(errors: FieldError[]): void {
  if (errors.length > 0) throw new InventoryValidationError(errors);
}
