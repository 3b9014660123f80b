import { compileFilter } from '../../src/filter/index.js';

/** CloudEvents attributes as the runtime reads them from Kafka headers: all strings. */
export const envelope = {
  id: '8d0c1f7e-2b1a-4c3e-9f4d-5a6b7c8d9e0f',
  source: '/acme/order-service',
  type: 'com.acme.order.placed.v1',
  specversion: '1.0',
  time: '2026-11-23T10:15:00.000Z',
  subject: 'order-42',
  correlationid: 'corr-7',
  causationid: 'cmd-3',
} as const;

export const placedData = {
  orderId: 'order-42',
  customerId: 'cust-7',
  currency: 'USD',
  totalMinor: 12_500,
  discountCode: null,
  lines: [
    { sku: 'SKU-1001', quantity: 2, unitPriceMinor: 5_000 },
    { sku: 'GIFT-25', quantity: 1, unitPriceMinor: 2_500 },
  ],
  shipping: { country: 'DE', express: true },
};

/** An `order.placed` event as the matcher sees it: `{ ...envelope, data }`. */
export const placed = { ...envelope, data: placedData };

export function matches(pattern: unknown, event: unknown): boolean {
  return compileFilter(pattern).matches(event);
}
