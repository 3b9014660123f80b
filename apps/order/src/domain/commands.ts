import type { Command } from './command.js';

export type OrderCommand =
  | PlaceOrder
  | RecordStockReserved
  | RecordStockInsufficient
  | RecordPaymentCharged
  | RecordPaymentFailed
  | CancelOrder
  | ExpireOrder
  | ShipOrder;

export interface OrderLineInput {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

/** POST /orders. The application makes `orderId` and computes `deadlineAt` from its policy. */
export type PlaceOrder = Command<
  'PlaceOrder',
  {
    orderId: string;
    customer: { id: string; email: string; name?: string | null };
    lines: readonly OrderLineInput[];
    currency: string;
    paymentToken: string;
    deadlineAt: number;
  }
>;

/** Inventory's StockReserved for this order. */
export type RecordStockReserved = Command<'RecordStockReserved', Record<string, never>>;

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

/** Inventory's StockInsufficient for this order. */
export type RecordStockInsufficient = Command<'RecordStockInsufficient', { shortages: readonly Shortage[] }>;

/** Payment's PaymentCharged for this order. */
export type RecordPaymentCharged = Command<
  'RecordPaymentCharged',
  { paymentId: string; amountMinor: number; currency: string }
>;

/** Payment's PaymentFailed for this order. */
export type RecordPaymentFailed = Command<'RecordPaymentFailed', { code: string; reason: string }>;

/** POST /orders/:id/cancel. */
export type CancelOrder = Command<'CancelOrder', { reason: 'customer' }>;

/** The order's deadline came due (the durable schedule trigger). */
export type ExpireOrder = Command<'ExpireOrder', Record<string, never>>;

/** POST /orders/:id/ship. */
export type ShipOrder = Command<'ShipOrder', Record<string, never>>;
