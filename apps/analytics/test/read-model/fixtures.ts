// Hand-built InboundEvents of the order lifecycle, as the consumer runtime would hand them over.
import { lookup, type EventDataByType } from '@acme/contracts';
import type { InboundEvent } from '@acme/messaging';
import { randomUUID } from 'node:crypto';

type Type = keyof EventDataByType;

let offset = 0;

export function inbound<T extends Type>(
  type: T,
  data: EventDataByType[T],
  options: { id?: string; time: number; cause?: string; correlation?: string; subject: string },
): InboundEvent {
  const id = options.id ?? randomUUID();
  const trace = randomUUID().replaceAll('-', '');
  return {
    type,
    data,
    envelope: {
      id,
      source: `/acme/${type.split('.')[2] ?? 'unknown'}`,
      type,
      specversion: '1.0',
      time: new Date(options.time).toISOString(),
      subject: options.subject,
      correlationid: options.correlation ?? 'corr-' + options.subject,
      causationid: options.cause ?? 'cmd-' + options.subject,
      traceparent: `00-${trace}-00f067aa0ba902b7-01`,
      hops: 0,
    },
    group: 'analytics.g1',
    topic: lookup(type).topic,
    partition: 0,
    offset: String(offset++),
    cause: { correlationId: 'x', causationId: id, hops: 1 },
  };
}

export const base = Date.UTC(2026, 0, 1, 12, 0, 0);
const lines = [
  { sku: 'sku-a', quantity: 2, unitPriceMinor: 1000 },
  { sku: 'sku-b', quantity: 1, unitPriceMinor: 500 },
];
export const total = 2500;

/** One order's events from placement on, each caused by the one before (as the services do). */
export function lifecycle(
  orderId: string,
  outcome: 'shipped' | 'stock' | 'payment' | 'customer-after-confirm',
  start = base,
  customerId = 'cust-1',
): InboundEvent[] {
  const events: InboundEvent[] = [];
  let cause = `cmd-${orderId}`;
  const add = <T extends Type>(type: T, data: EventDataByType[T], time: number) => {
    const e = inbound(type, data, { time, cause, subject: orderId });
    events.push(e);
    cause = e.envelope.id;
    return e;
  };
  add(
    'com.acme.order.placed.v2',
    {
      orderId,
      customer: { id: customerId, email: `${customerId}@example.test`, name: 'Ada' },
      lines,
      currency: 'EUR',
      totalMinor: total,
      paymentToken: 'tok_secret',
      placedAt: start,
      deadlineAt: start + 60_000,
    },
    start,
  );
  const reservedLines = lines.map(({ sku, quantity }) => ({ sku, quantity }));
  if (outcome === 'stock') {
    add(
      'com.acme.inventory.stock-insufficient.v1',
      { orderId, shortages: [{ sku: 'sku-a', requested: 2, available: 1 }] },
      start + 100,
    );
    add(
      'com.acme.order.cancelled.v1',
      { orderId, reason: 'STOCK_INSUFFICIENT', detail: null, cancelledAt: start + 200 },
      start + 200,
    );
    return events;
  }
  add(
    'com.acme.inventory.stock-reserved.v1',
    { orderId, lines: reservedLines, reservedAt: start + 100 },
    start + 100,
  );
  if (outcome === 'payment') {
    add(
      'com.acme.payment.failed.v1',
      { orderId, code: 'card_declined', reason: 'declined', failedAt: start + 200 },
      start + 200,
    );
    add(
      'com.acme.order.cancelled.v1',
      { orderId, reason: 'PAYMENT_FAILED', detail: 'declined', cancelledAt: start + 300 },
      start + 300,
    );
    add(
      'com.acme.inventory.stock-released.v1',
      { orderId, lines: reservedLines, releasedAt: start + 400 },
      start + 400,
    );
    return events;
  }
  const paymentId = `pay-${orderId}`;
  add(
    'com.acme.payment.charged.v1',
    { orderId, paymentId, amountMinor: total, currency: 'EUR', chargedAt: start + 200 },
    start + 200,
  );
  add('com.acme.order.confirmed.v1', { orderId, confirmedAt: start + 300, paymentId }, start + 300);
  if (outcome === 'shipped') {
    add('com.acme.order.shipped.v1', { orderId, shippedAt: start + 90_000 }, start + 90_000);
    return events;
  }
  add(
    'com.acme.order.cancelled.v1',
    { orderId, reason: 'CUSTOMER_REQUEST', detail: null, cancelledAt: start + 120_000 },
    start + 120_000,
  );
  add(
    'com.acme.inventory.stock-released.v1',
    { orderId, lines: reservedLines, releasedAt: start + 120_100 },
    start + 120_100,
  );
  // Refunded in two parts, so one batch holds two refunds of one order.
  add(
    'com.acme.payment.refunded.v1',
    { orderId, paymentId, amountMinor: 1000, currency: 'EUR', refundedAt: start + 120_200 },
    start + 120_200,
  );
  add(
    'com.acme.payment.refunded.v1',
    { orderId, paymentId, amountMinor: 1500, currency: 'EUR', refundedAt: start + 120_300 },
    start + 120_300,
  );
  return events;
}
