// Builders for the order's commands and events: one happy order, varied per test.
import { deciderSpec } from '@acme/testing/decider-spec';
import {
  orderDecider,
  type CancellationReason,
  type OrderEvent,
  type PlaceOrder,
  type Shortage,
} from '../../src/domain/index.js';

export const spec = deciderSpec(orderDecider);

export const orderId = 'ord-1';
export const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);
export const minute = 60_000;
/** `m` minutes after the order was placed. */
export const at = (m: number): number => t0 + m * minute;
export const deadlineAt = at(15);

export const lines = [
  { sku: 'SKU-1', quantity: 2, unitPriceMinor: 1999 },
  { sku: 'SKU-2', quantity: 1, unitPriceMinor: 500 },
];
export const totalMinor = 2 * 1999 + 500;
export const customer = { id: 'cust-1', email: 'ada@example.com', name: 'Ada' };

export const placeOrderData = (overrides: Partial<PlaceOrder['data']> = {}): PlaceOrder['data'] => ({
  orderId,
  customer,
  lines,
  currency: 'EUR',
  paymentToken: 'tok_ok',
  deadlineAt,
  ...overrides,
});

export const placeOrder = (overrides: Partial<PlaceOrder['data']> = {}, now = t0): PlaceOrder => ({
  type: 'PlaceOrder',
  data: placeOrderData(overrides),
  metadata: { now },
});

export const recordStockReserved = (now: number) =>
  ({ type: 'RecordStockReserved', data: {}, metadata: { now } }) as const;
export const recordStockInsufficient = (shortages: Shortage[], now: number) =>
  ({ type: 'RecordStockInsufficient', data: { shortages }, metadata: { now } }) as const;
export const recordPaymentCharged = (
  now: number,
  paymentId = 'pay-1',
  amountMinor = totalMinor,
  currency = 'EUR',
) =>
  ({ type: 'RecordPaymentCharged', data: { paymentId, amountMinor, currency }, metadata: { now } }) as const;
export const recordPaymentFailed = (now: number, code = 'card_declined', reason = 'insufficient funds') =>
  ({ type: 'RecordPaymentFailed', data: { code, reason }, metadata: { now } }) as const;
export const cancelOrder = (now: number) =>
  ({ type: 'CancelOrder', data: { reason: 'customer' }, metadata: { now } }) as const;
export const expireOrder = (now: number) => ({ type: 'ExpireOrder', data: {}, metadata: { now } }) as const;
export const shipOrder = (now: number) => ({ type: 'ShipOrder', data: {}, metadata: { now } }) as const;

export const orderPlaced = (): OrderEvent => ({
  type: 'OrderPlaced',
  data: {
    orderId,
    customer,
    lines,
    currency: 'EUR',
    totalMinor,
    paymentToken: 'tok_ok',
    placedAt: t0,
    deadlineAt,
  },
});
export const stockReserved = (now: number): OrderEvent => ({
  type: 'StockReserved',
  data: { orderId, reservedAt: now },
});
export const paymentCharged = (
  now: number,
  paymentId = 'pay-1',
  amountMinor = totalMinor,
  currency = 'EUR',
): OrderEvent => ({
  type: 'PaymentCharged',
  data: { orderId, paymentId, amountMinor, currency, chargedAt: now },
});
export const orderConfirmed = (now: number, paymentId = 'pay-1'): OrderEvent => ({
  type: 'OrderConfirmed',
  data: { orderId, paymentId, confirmedAt: now },
});
export const orderCancelled = (
  reason: CancellationReason,
  detail: string | null,
  now: number,
): OrderEvent => ({
  type: 'OrderCancelled',
  data: { orderId, reason, detail, cancelledAt: now },
});
export const orderShipped = (now: number): OrderEvent => ({
  type: 'OrderShipped',
  data: { orderId, shippedAt: now },
});

/** Histories, one per state an order can be in. */
export const placed = [orderPlaced()];
export const reserved = [...placed, stockReserved(at(1))];
export const paidBeforeReserved = [...placed, paymentCharged(at(1))];
export const confirmed = [...reserved, paymentCharged(at(2)), orderConfirmed(at(2))];
export const confirmedPaidFirst = [...paidBeforeReserved, stockReserved(at(2)), orderConfirmed(at(2))];
export const shipped = [...confirmed, orderShipped(at(3))];
export const cancelledByCustomer = [...placed, orderCancelled('customer-request', null, at(1))];
export const cancelledAfterReservation = [...reserved, orderCancelled('customer-request', null, at(2))];
export const cancelledAfterConfirmation = [...confirmed, orderCancelled('customer-request', null, at(3))];
export const timedOut = [
  ...placed,
  orderCancelled(
    'timeout',
    'not confirmed by the deadline: waiting for stock reservation and payment',
    deadlineAt,
  ),
];
export const outOfStock = [
  ...placed,
  orderCancelled('stock-insufficient', 'SKU-1: requested 2, available 1', at(1)),
];
export const paymentDeclined = [
  ...reserved,
  orderCancelled('payment-failed', 'card_declined: insufficient funds', at(2)),
];

export const cancelledHistories = {
  'cancelled by the customer': cancelledByCustomer,
  'cancelled after reservation': cancelledAfterReservation,
  'cancelled after confirmation': cancelledAfterConfirmation,
  'timed out': timedOut,
  'out of stock': outOfStock,
  'payment declined': paymentDeclined,
};
