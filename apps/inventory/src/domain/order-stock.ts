import { reservationDecider } from './reservation/decider.js';
import type { ReservationEvent } from './reservation/events.js';
import type { ReservationState } from './reservation/state.js';
import { planReservation } from './plan-reservation.js';
import { skuDecider } from './sku/decider.js';
import type { SkuEvent } from './sku/events.js';
import type { SkuState } from './sku/state.js';
import { bySku, type StockLine } from './stock-line.js';

/**
 * What one order-level step appends: to the order's reservation stream and to each SKU stream, all
 * in one transaction at the versions the states were read at (a conflict on any stream rolls back
 * all of them; the application then reloads and decides again).
 */
export interface StockDecision {
  reservation: ReservationEvent[];
  /** Sorted by SKU: append in this order. Only SKUs with events are listed. */
  skus: SkuAppend[];
}

export interface SkuAppend {
  sku: string;
  events: SkuEvent[];
}

const nothing = (): StockDecision => ({ reservation: [], skus: [] });

/**
 * Reacting to OrderPlaced: reserve every line or none. The order's reservation state makes this
 * exactly-once (a SKU forgets an order once released, so it alone could not refuse a replayed
 * OrderPlaced); `skus` must hold the current state of every SKU in `lines` (a missing one is unknown).
 *
 * @example
 *   const decision = reserveOrderStock({ orderId, lines, now }, reservationState, skuStates);
 *   // append decision.skus[i].events to skuStreamId(sku) and decision.reservation to
 *   // reservationStreamId(orderId), then publish StockReserved or StockInsufficient, in one tx
 */
export function reserveOrderStock(
  command: { orderId: string; lines: readonly StockLine[]; now: number },
  reservation: ReservationState,
  skus: ReadonlyMap<string, SkuState>,
): StockDecision {
  if (reservation.status !== 'none') return nothing();
  const { orderId, lines, now } = command;
  const metadata = { now };
  const plan = planReservation(orderId, lines, skus);
  if (plan.kind === 'insufficient') {
    return {
      reservation: reservationDecider.decide(
        { type: 'RecordRefusal', data: { orderId, shortages: plan.shortages }, metadata },
        reservation,
      ),
      skus: [],
    };
  }
  return {
    reservation: reservationDecider.decide(
      { type: 'RecordReservation', data: { orderId, lines: plan.perSku }, metadata },
      reservation,
    ),
    skus: perSku(plan.perSku, skus, (line, state) =>
      skuDecider.decide({ type: 'ReserveStock', data: { ...line, orderId }, metadata }, state),
    ),
  };
}

/**
 * Reacting to OrderCancelled: give back what the order holds (nothing when it was refused or is
 * already released; a tombstone when it was never answered). `skus` must hold the state of every
 * SKU the reservation lists.
 */
export function releaseOrderStock(
  command: { orderId: string; now: number },
  reservation: ReservationState,
  skus: ReadonlyMap<string, SkuState>,
): StockDecision {
  const { orderId, now } = command;
  const metadata = { now };
  const events = reservationDecider.decide(
    { type: 'RecordRelease', data: { orderId }, metadata },
    reservation,
  );
  if (reservation.status !== 'reserved') return { reservation: events, skus: [] };
  return {
    reservation: events,
    skus: perSku(reservation.lines, skus, ({ sku }, state) =>
      skuDecider.decide({ type: 'ReleaseStock', data: { sku, orderId }, metadata }, state),
    ),
  };
}

function perSku(
  lines: readonly StockLine[],
  skus: ReadonlyMap<string, SkuState>,
  decide: (line: StockLine, state: SkuState) => SkuEvent[],
): SkuAppend[] {
  return [...lines]
    .sort(bySku)
    .map((line) => ({ sku: line.sku, events: decide(line, skus.get(line.sku) ?? skuDecider.initialState()) }))
    .filter((append) => append.events.length > 0);
}
