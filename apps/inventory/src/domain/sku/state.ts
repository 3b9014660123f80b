import { assertNever } from '../command.js';
import type { SkuEvent } from './events.js';

/**
 * One SKU's stock. Invariants (kept by `decide`, checked by the property tests):
 * `reserved` = Σ `reservations`, `0 ≤ reserved ≤ onHand`; reserving and releasing never change
 * `onHand` — only added stock does (and, later, shipping, which will consume a confirmed order's
 * reservation). JSON-safe, so it can be snapshotted.
 */
export interface SkuState {
  /** Null until stock was first added: an unknown SKU has nothing available. */
  sku: string | null;
  onHand: number;
  reserved: number;
  /** Units held per order id. Read it through `reservedFor` (an id may be "__proto__"). */
  reservations: Readonly<Record<string, number>>;
}

export const initialSkuState = (): SkuState => ({ sku: null, onHand: 0, reserved: 0, reservations: {} });

/** Units that can still be reserved. */
export const available = (state: SkuState): number => state.onHand - state.reserved;

/** Units the order holds, or undefined when it holds none. */
export const reservedFor = (state: SkuState, orderId: string): number | undefined =>
  Object.hasOwn(state.reservations, orderId) ? state.reservations[orderId] : undefined;

export function evolveSku(state: SkuState, event: SkuEvent): SkuState {
  switch (event.type) {
    case 'StockAdded':
      return { ...state, sku: event.data.sku, onHand: state.onHand + event.data.quantity };
    case 'StockReserved': {
      const { sku, orderId, quantity } = event.data;
      // A computed key defines an own property, so even "__proto__" is an ordinary order id here.
      return {
        ...state,
        sku,
        reserved: state.reserved + quantity,
        reservations: { ...state.reservations, [orderId]: quantity },
      };
    }
    case 'StockReleased': {
      const { orderId, quantity } = event.data;
      const { [orderId]: _released, ...reservations } = state.reservations;
      return { ...state, reserved: state.reserved - quantity, reservations };
    }
    default:
      return assertNever(event, 'sku event');
  }
}
