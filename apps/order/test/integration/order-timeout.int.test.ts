import { eventually } from '@acme/testing';
import {
  call,
  deadlineOf,
  eventTypes,
  metricValue,
  orderTotal,
  placeOrder,
  seedCatalogue,
  skus,
  startOrderWorld,
  type OrderWorld,
} from './world.js';

jest.setTimeout(60_000);

// A short deadline, so the timeout fires within the test.
let world: OrderWorld;

beforeAll(async () => {
  world = await startOrderWorld({ ORDER_DEADLINE_MS: '1500' });
  await seedCatalogue(world, [skus.a, skus.b]);
});

afterAll(async () => {
  await world.close();
});

it('cancels an order not confirmed by its deadline, and takes a late charge without confirming', async () => {
  const orderId = await placeOrder(world);
  const placed = await world.tap.waitFor('com.acme.order.placed.v2', orderId);

  const cancelled = await world.tap.waitFor('com.acme.order.cancelled.v1', orderId);
  expect(cancelled.data).toMatchObject({
    orderId,
    reason: 'TIMEOUT',
    detail: 'not confirmed by the deadline: waiting for stock reservation and payment',
  });
  // The timeout continues the story of the request that placed the order.
  expect(cancelled.envelope.correlationid).toBe(placed.envelope.correlationid);
  expect(cancelled.data.cancelledAt as number).toBeGreaterThanOrEqual(placed.data.deadlineAt as number);
  const deadline = await deadlineOf(world, orderId);
  expect(deadline?.fired_at).not.toBeNull();
  expect(deadline?.cancelled_at).toBeNull();
  expect(await metricValue(world, 'saga_outcomes_total', { outcome: 'cancelled', reason: 'timeout' })).toBe(
    1,
  );

  // The charge the customer's bank confirmed too late: recorded, never a confirmation, no error.
  const late = await world.tap.publish({
    type: 'com.acme.payment.charged.v1',
    subject: orderId,
    data: { orderId, paymentId: 'pay-late', amountMinor: orderTotal, currency: 'EUR', chargedAt: Date.now() },
  });
  await eventually(async () =>
    (await eventTypes(world, orderId)).includes('PaymentReceivedAfterCancellation') ? true : undefined,
  );
  expect(await eventTypes(world, orderId)).toEqual([
    'OrderPlaced',
    'OrderCancelled',
    'PaymentReceivedAfterCancellation',
  ]);
  const order = await call(world, 'GET', `/orders/${orderId}`);
  expect(order.body).toMatchObject({
    status: 'cancelled',
    cancellation: { reason: 'timeout' },
    unappliedPayments: [{ paymentId: 'pay-late', why: 'after-cancellation' }],
  });
  const parked = await world.db
    .selectFrom('dead_letters')
    .select('id')
    .where('event_id', '=', late)
    .execute();
  expect(parked).toEqual([]);
  expect(world.tap.about(orderId, 'com.acme.order.confirmed.v1')).toEqual([]);
});

it('leaves a confirmed order alone when its deadline would have come', async () => {
  const orderId = await placeOrder(world);
  await world.tap.publish({
    type: 'com.acme.inventory.stock-reserved.v1',
    subject: orderId,
    data: {
      orderId,
      lines: [
        { sku: skus.a, quantity: 2 },
        { sku: skus.b, quantity: 1 },
      ],
      reservedAt: Date.now(),
    },
  });
  await world.tap.publish({
    type: 'com.acme.payment.charged.v1',
    subject: orderId,
    data: {
      orderId,
      paymentId: 'pay-quick',
      amountMinor: orderTotal,
      currency: 'EUR',
      chargedAt: Date.now(),
    },
  });
  // If the replies beat the deadline the order is confirmed and its deadline cancelled; if the
  // deadline won, the order was cancelled for timeout and the replies changed nothing. Never both.
  const outcome = await eventually(async () => {
    const types = await eventTypes(world, orderId);
    return types.includes('OrderConfirmed') || types.includes('OrderCancelled') ? types : undefined;
  });
  const deadline = await deadlineOf(world, orderId);
  if (outcome.includes('OrderConfirmed')) {
    expect(outcome).not.toContain('OrderCancelled');
    expect(deadline?.cancelled_at).not.toBeNull();
    expect(deadline?.fired_at).toBeNull();
  } else {
    expect(deadline?.fired_at).not.toBeNull();
  }
});
