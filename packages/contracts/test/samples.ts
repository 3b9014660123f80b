import type { EventDataByType, EventType } from '../src/index.js';

const at = Date.UTC(2026, 10, 23, 12, 0, 0);

/** One realistic value per event type; typed by the generated map, so a schema change shows here. */
export const samples: { readonly [T in EventType]: EventDataByType[T] } = {
  'com.acme.inventory.stock-added.v1': { sku: 'SKU-RED-M', quantity: 40, onHand: 52, addedAt: at },
  'com.acme.inventory.stock-insufficient.v1': {
    orderId: 'order-1',
    shortages: [{ sku: 'SKU-RED-M', requested: 3, available: 1 }],
  },
  'com.acme.inventory.stock-released.v1': {
    orderId: 'order-1',
    lines: [{ sku: 'SKU-RED-M', quantity: 2 }],
    releasedAt: at,
  },
  'com.acme.inventory.stock-reserved.v1': {
    orderId: 'order-1',
    lines: [
      { sku: 'SKU-RED-M', quantity: 2 },
      { sku: 'SKU-BLUE-L', quantity: 1 },
    ],
    reservedAt: at,
  },
  'com.acme.order.cancelled.v1': {
    orderId: 'order-1',
    reason: 'PAYMENT_FAILED',
    detail: 'card declined',
    cancelledAt: at,
  },
  'com.acme.order.confirmed.v1': { orderId: 'order-1', confirmedAt: at, paymentId: 'pay-1' },
  'com.acme.order.placed.v1': {
    orderId: 'order-1',
    customerId: 'customer-7',
    customerEmail: 'ada@example.com',
    lines: [{ sku: 'SKU-RED-M', quantity: 2, unitPriceMinor: 1999 }],
    currency: 'EUR',
    totalMinor: 3998,
    paymentToken: 'tok_visa_ok',
    placedAt: at,
    deadlineAt: at + 15 * 60_000,
  },
  'com.acme.order.placed.v2': {
    orderId: 'order-1',
    customer: { id: 'customer-7', email: 'ada@example.com', name: 'Ada Lovelace' },
    lines: [{ sku: 'SKU-RED-M', quantity: 2, unitPriceMinor: 1999 }],
    currency: 'EUR',
    totalMinor: 3998,
    paymentToken: 'tok_visa_ok',
    placedAt: at,
    deadlineAt: at + 15 * 60_000,
  },
  'com.acme.order.shipped.v1': { orderId: 'order-1', shippedAt: at },
  'com.acme.payment.charged.v1': {
    orderId: 'order-1',
    paymentId: 'pay-1',
    amountMinor: 3998,
    currency: 'EUR',
    chargedAt: at,
  },
  'com.acme.payment.failed.v1': {
    orderId: 'order-1',
    code: 'card_declined',
    reason: 'The card was declined.',
    failedAt: at,
  },
  'com.acme.payment.refunded.v1': {
    orderId: 'order-1',
    paymentId: 'pay-1',
    amountMinor: 3998,
    currency: 'EUR',
    refundedAt: at,
  },
};
