import { InventoryValidationError } from './errors.js';
import { available, reservedFor, type SkuState } from './sku/state.js';
import { bySku, type Shortage, type StockLine } from './stock-line.js';
import { checkOrderId, checkQuantity, checkSku, collectErrors } from './validation.js';

/** All of an order's lines, or nothing. */
export type ReservationPlan =
  | {
      kind: 'reserve';
      /** One entry per SKU (same-SKU lines summed), sorted by SKU. */
      perSku: StockLine[];
    }
  | {
      kind: 'insufficient';
      /** The SKUs that fall short, in the order they first appear in the order's lines. */
      shortages: Shortage[];
    };

/**
 * Whether every line of an order can be held, given the current state of each SKU (a SKU missing
 * from `skus` is unknown: 0 available). Units the order already holds count as available to it, so
 * planning again after a partial retry asks for nothing twice.
 *
 * `perSku` is sorted so that every transaction appends to the SKU streams in the same order:
 * concurrent multi-SKU reservations then wait on each other instead of deadlocking.
 *
 * @example
 *   planReservation('ord-1', [{ sku: 'A', quantity: 2 }], new Map([['A', stateOfA]]));
 *   // → { kind: 'reserve', perSku: [{ sku: 'A', quantity: 2 }] }
 *   // or { kind: 'insufficient', shortages: [{ sku: 'A', requested: 2, available: 1 }] }
 */
export function planReservation(
  orderId: string,
  lines: readonly StockLine[],
  skus: ReadonlyMap<string, SkuState>,
): ReservationPlan {
  const requested = sumPerSku(orderId, lines);
  const shortages: Shortage[] = [];
  for (const [sku, quantity] of requested) {
    const state = skus.get(sku);
    const free = state === undefined ? 0 : available(state) + (reservedFor(state, orderId) ?? 0);
    if (free < quantity) shortages.push({ sku, requested: quantity, available: free });
  }
  if (shortages.length > 0) return { kind: 'insufficient', shortages };
  return {
    kind: 'reserve',
    perSku: [...requested].map(([sku, quantity]) => ({ sku, quantity })).sort(bySku),
  };
}

/** Requested units per SKU, in first-appearance order; throws on malformed lines. */
function sumPerSku(orderId: string, lines: readonly StockLine[]): Map<string, number> {
  const errors = collectErrors((fail) => {
    checkOrderId(orderId, fail);
    if (lines.length === 0) fail('lines', 'must not be empty');
    lines.forEach((line, i) => {
      checkSku(line.sku, `lines[${i}].sku`, fail);
      checkQuantity(line.quantity, `lines[${i}].quantity`, fail);
    });
  });
  if (errors.length > 0) throw new InventoryValidationError(errors);

  const requested = new Map<string, number>();
  lines.forEach((line, i) => {
    const total = (requested.get(line.sku) ?? 0) + line.quantity;
    if (!Number.isSafeInteger(total)) {
      throw new InventoryValidationError([
        { field: `lines[${i}].quantity`, message: 'sum per sku is too large' },
      ]);
    }
    requested.set(line.sku, total);
  });
  return requested;
}
