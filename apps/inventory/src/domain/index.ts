/**
 * # Inventory domain
 *
 * Pure rules for stock and reservations; no I/O, no clock (time arrives as `metadata.now`).
 *
 * ## Design: one stream per SKU, an order's lines reserved by one multi-stream append
 *
 * ARCHITECTURE asks that inventory "reserves all lines of an order or none; never oversells under
 * concurrency", by either (a) a stream per SKU and a multi-stream append, or (b) a reservation
 * aggregate. This is (a):
 *
 * - **The invariant lives per SKU.** "Never oversell" is `onHand − Σ reserved ≥ 0` for each SKU, so
 *   the SKU stream (`sku-<sku>`, `skuDecider`) is its consistency boundary. Optimistic concurrency on
 *   that stream's version serialises exactly the writers that compete for the same stock: orders on
 *   different SKUs never conflict.
 * - **"All or none" is a transaction, not an aggregate.** The application reads each SKU of the
 *   order, asks `reserveOrderStock` (which plans with `planReservation`), and appends the SKU
 *   events, each at the version it read, in one Postgres transaction. A conflict on any stream
 *   rolls back every append; the handler reloads and decides again.
 * - **Why not (b).** A reservation aggregate per order cannot protect stock on its own: availability
 *   is shared by all orders, so it would need every other order's holds — the per-SKU counter
 *   again — or one stream for all stock, which serialises every order in the shop.
 * - **The order's record.** Beside the SKU streams, each order gets a small reservation stream
 *   (`reservation-<orderId>`, `reservationDecider`), appended in the same transaction. It is not a
 *   second consistency boundary; it answers what the SKU streams cannot: has this order been
 *   answered already (a SKU forgets an order once released, so a replayed OrderPlaced would
 *   reserve twice), what to give back on OrderCancelled (which carries no lines), and which
 *   integration event to publish.
 *
 * Costs, accepted: a popular SKU is a hot stream — concurrent orders for it conflict and retry,
 * more often as contention grows (if that ever dominates, take per-SKU advisory locks in sorted
 * order before reading; the model stays the same). SKU streams grow with every order, so the SKU
 * state is snapshotted. Every transaction appends to SKU streams in sorted order (`perSku` and
 * `StockDecision.skus` are sorted) so concurrent multi-SKU reservations cannot deadlock. A refusal
 * is decided on states read at one moment and appends only to the reservation stream; stock freed
 * an instant later does not make it wrong, and it can never oversell.
 *
 * ## Conservation
 *
 * Reserving and releasing never change `onHand`; only `StockAdded` does. A confirmed order's units
 * stay reserved — shipping will consume them later (on hand and the hold shrink together) — so at
 * every moment: stock added = available + reserved.
 */
export type { Command } from './command.js';
export {
  InsufficientStockError,
  InventoryError,
  InventoryValidationError,
  ReservationMismatchError,
} from './errors.js';
export { releaseOrderStock, reserveOrderStock, type SkuAppend, type StockDecision } from './order-stock.js';
export { planReservation, type ReservationPlan } from './plan-reservation.js';
export type {
  RecordRefusal,
  RecordRelease,
  RecordReservation,
  ReservationCommand,
} from './reservation/commands.js';
export { reservationDecider, reservationStreamId } from './reservation/decider.js';
export {
  reservationEventTypes,
  type ReservationEvent,
  type ReservationMade,
  type ReservationRefused,
  type ReservationReleased,
} from './reservation/events.js';
export { evolveReservation, initialReservationState, type ReservationState } from './reservation/state.js';
export type { AddStock, ReleaseStock, ReserveStock, SkuCommand } from './sku/commands.js';
export { decideSku } from './sku/decide.js';
export { skuDecider, skuStreamId } from './sku/decider.js';
export {
  skuEventTypes,
  type SkuEvent,
  type StockAdded,
  type StockReleased,
  type StockReserved,
} from './sku/events.js';
export { available, evolveSku, initialSkuState, reservedFor, type SkuState } from './sku/state.js';
export type { Shortage, StockLine } from './stock-line.js';
export { inventoryLimits, type FieldError } from './validation.js';
