import type { Event } from '@acme/event-store';

/**
 * The events of one SKU's stream (`sku-<sku>`): the stock on hand and who holds what of it. They
 * stay inside inventory; the order-level facts it publishes come from the reservation stream.
 */
export type SkuEvent = StockAdded | StockReserved | StockReleased;

/** Units arrived (seeding, restock): on hand grows. */
export type StockAdded = Event<'StockAdded', { sku: string; quantity: number; addedAt: number }>;

/** An order holds `quantity` units; on hand is unchanged, available shrinks. */
export type StockReserved = Event<
  'StockReserved',
  { sku: string; orderId: string; quantity: number; reservedAt: number }
>;

/** An order's hold was given back (the order was cancelled); available grows again. */
export type StockReleased = Event<
  'StockReleased',
  { sku: string; orderId: string; quantity: number; releasedAt: number }
>;

export const skuEventTypes = [
  'StockAdded',
  'StockReserved',
  'StockReleased',
] as const satisfies readonly SkuEvent['type'][];
