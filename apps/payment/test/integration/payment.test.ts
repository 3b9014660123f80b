import { randomUUID } from 'node:crypto';
import { eventually } from '@acme/testing';
import type { ProviderSimulator } from '../../src/infrastructure/provider-simulator.js';
import {
  cancelled,
  getPayment,
  handled,
  newOrderId,
  outboxed,
  paymentIn,
  placeAndReserve,
  placed,
  post,
  receipts,
  reserved,
  startPaymentWorld,
  T,
  webhook,
  type World,
} from './support.js';

jest.setTimeout(60_000);

let world: World;
let simulator: ProviderSimulator;

beforeAll(async () => {
  ({ world, simulator } = await startPaymentWorld());
});

afterAll(async () => {
  await world.close();
});

describe('charging on StockReserved', () => {
  it('tok_ok: charged once, however often StockReserved arrives', async () => {
    const orderId = newOrderId();
    await world.tap.publish({ type: T.placed, subject: orderId, data: placed(orderId, 'tok_ok') });
    const sameId = randomUUID();
    await world.tap.publish({ type: T.reserved, subject: orderId, data: reserved(orderId), id: sameId });
    await world.tap.publish({ type: T.reserved, subject: orderId, data: reserved(orderId), id: sameId });
    const otherId = await world.tap.publish({ type: T.reserved, subject: orderId, data: reserved(orderId) });

    const charged = await world.tap.waitFor<{ paymentId: string; amountMinor: number; currency: string }>(
      T.charged,
      orderId,
    );
    expect(charged.data).toMatchObject({ orderId, amountMinor: 2598, currency: 'EUR' });
    // Every StockReserved was consumed (the duplicate id skipped by the inbox) …
    await eventually(async () => ((await handled(world, [sameId, otherId])) === 2 ? true : undefined), {
      description: 'both StockReserved handled',
    });
    // … and everything they could publish is in the outbox by now: one charge, one provider call.
    expect(await outboxed(world, T.charged, orderId)).toBe(1);
    expect(await simulator.callsFor(orderId)).toBe(1);
    expect(await simulator.chargesFor(orderId)).toBe(1);
    expect(world.tap.about(orderId, T.charged)).toHaveLength(1);
    const { status, body } = await getPayment(world, orderId);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'charged', paymentId: charged.data.paymentId, amountMinor: 2598 });
    // Causation: the charge was caused by a StockReserved, in the same correlation.
    expect([sameId, otherId]).toContain(charged.envelope.causationid);
  });

  it('tok_decline: failed with the provider’s code', async () => {
    const orderId = newOrderId();
    await placeAndReserve(world, orderId, 'tok_decline');
    const failed = await world.tap.waitFor(T.failed, orderId);
    expect(failed.data).toMatchObject({ orderId, code: 'card_declined' });
    expect((await getPayment(world, orderId)).body.status).toBe('declined');
    expect(world.tap.about(orderId, T.charged)).toHaveLength(0);
  });

  it('StockReserved before OrderPlaced: deferred, charged when the order registers', async () => {
    const orderId = newOrderId();
    await world.tap.publish({ type: T.reserved, subject: orderId, data: reserved(orderId) });
    await paymentIn(world, orderId, 'deferred');
    await world.tap.publish({ type: T.placed, subject: orderId, data: placed(orderId, 'tok_ok') });
    const charged = await world.tap.waitFor(T.charged, orderId);
    expect(charged.data).toMatchObject({ orderId, amountMinor: 2598 });
  });

  it('tok_timeout: the consumer retries the idempotent call until it answers', async () => {
    const orderId = newOrderId();
    await placeAndReserve(world, orderId, 'tok_timeout');
    await world.tap.waitFor(T.charged, orderId);
    // The simulator times out twice per key; the third call (default PAYMENT_PROVIDER_MAX_ATTEMPTS) answers.
    expect(await simulator.callsFor(orderId)).toBe(3);
    expect(await simulator.chargesFor(orderId)).toBe(1);
    expect(await outboxed(world, T.charged, orderId)).toBe(1);
  });
});

describe('compensation on OrderCancelled', () => {
  it('refunds a charged payment', async () => {
    const orderId = newOrderId();
    await placeAndReserve(world, orderId, 'tok_ok');
    const charged = await world.tap.waitFor<{ paymentId: string }>(T.charged, orderId);
    await world.tap.publish({ type: T.cancelled, subject: orderId, data: cancelled(orderId) });
    const refunded = await world.tap.waitFor(T.refunded, orderId);
    expect(refunded.data).toMatchObject({ orderId, paymentId: charged.data.paymentId, amountMinor: 2598 });
    const { body } = await getPayment(world, orderId);
    expect(body).toMatchObject({ status: 'refunded', cancellation: { reason: 'CUSTOMER_REQUEST' } });
    expect(body.providerRefundId).toEqual(expect.any(String));
  });

  it('cancelled before StockReserved: never charges', async () => {
    const orderId = newOrderId();
    await world.tap.publish({ type: T.placed, subject: orderId, data: placed(orderId, 'tok_ok') });
    await world.tap.publish({ type: T.cancelled, subject: orderId, data: cancelled(orderId) });
    await eventually(async () => ((await getPayment(world, orderId)).body.cancellation ? true : undefined), {
      description: 'cancellation recorded',
    });
    const late = await world.tap.publish({ type: T.reserved, subject: orderId, data: reserved(orderId) });
    await eventually(async () => ((await handled(world, [late])) === 1 ? true : undefined), {
      description: 'late StockReserved handled',
    });
    expect(await simulator.callsFor(orderId)).toBe(0);
    expect((await getPayment(world, orderId)).body.status).toBe('none');
  });
});

describe('POST /webhooks/provider', () => {
  async function pendingPayment(
    token = 'tok_async',
  ): Promise<{ orderId: string; providerPaymentId: string }> {
    const orderId = newOrderId();
    await placeAndReserve(world, orderId, token);
    const payment = await paymentIn(world, orderId, 'pending');
    return { orderId, providerPaymentId: payment.providerPaymentId ?? '' };
  }

  it('tok_async: nothing until the signed webhook; a replay of it is refused and changes nothing', async () => {
    const { orderId, providerPaymentId } = await pendingPayment();
    expect(await outboxed(world, T.charged, orderId)).toBe(0);

    const request = webhook({ orderId, providerPaymentId, outcome: 'succeeded' });
    const first = await post(world, request);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ result: 'applied', payment: { status: 'charged' } });
    const charged = await world.tap.waitFor(T.charged, orderId);
    expect(charged.data).toMatchObject({ orderId, amountMinor: 2598 });

    const replay = await post(world, request);
    expect(replay.status).toBe(409);
    expect(await outboxed(world, T.charged, orderId)).toBe(1);
    expect(await receipts(world, orderId)).toBe(1);
    expect((await getPayment(world, orderId)).body.status).toBe('charged');
  });

  it('the same webhook id delivered again, freshly signed: 200 duplicate, nothing changes', async () => {
    const { orderId, providerPaymentId } = await pendingPayment();
    const id = `evt_${randomUUID()}`;
    expect(
      (await post(world, webhook({ id, orderId, providerPaymentId, outcome: 'succeeded' }))).status,
    ).toBe(200);
    const again = await post(
      world,
      webhook({ id, orderId, providerPaymentId, outcome: 'succeeded' }, { ageSeconds: 1 }),
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ result: 'duplicate' });
    expect(await outboxed(world, T.charged, orderId)).toBe(1);
  });

  it('tok_async_fail: the webhook fails the payment', async () => {
    const { orderId, providerPaymentId } = await pendingPayment('tok_async_fail');
    expect((await post(world, webhook({ orderId, providerPaymentId, outcome: 'failed' }))).status).toBe(200);
    const failed = await world.tap.waitFor(T.failed, orderId);
    expect(failed.data).toMatchObject({ orderId, code: 'payment_failed' });
  });

  it('a success that lands after the cancellation is charged, then refunded at once', async () => {
    const { orderId, providerPaymentId } = await pendingPayment();
    await world.tap.publish({ type: T.cancelled, subject: orderId, data: cancelled(orderId) });
    await eventually(async () => ((await getPayment(world, orderId)).body.cancellation ? true : undefined), {
      description: 'cancellation recorded',
    });
    const res = await post(world, webhook({ orderId, providerPaymentId, outcome: 'succeeded' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ payment: { status: 'refunded' } });
    await world.tap.waitFor(T.charged, orderId);
    await world.tap.waitFor(T.refunded, orderId);
    expect(await simulator.refundsFor(providerPaymentId)).toBe(1);
  });

  it('forged signature: 401 and nothing changes', async () => {
    const { orderId, providerPaymentId } = await pendingPayment();
    const forged = webhook(
      { orderId, providerPaymentId, outcome: 'succeeded' },
      { secret: 'not-the-secret-at-all' },
    );
    const res = await post(world, forged);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: expect.stringContaining('mismatch') as unknown });
    // A genuine signature over other bytes does not cover these.
    const genuine = webhook({ orderId, providerPaymentId, outcome: 'succeeded' });
    const tampered = { ...genuine, body: genuine.body.replace('succeeded', 'failed') };
    expect((await post(world, tampered)).status).toBe(401);
    const unsigned = { headers: { 'content-type': 'application/json' }, body: genuine.body };
    expect((await post(world, unsigned)).status).toBe(401);

    expect((await getPayment(world, orderId)).body.status).toBe('pending');
    expect(await receipts(world, orderId)).toBe(0);
    expect(await outboxed(world, T.charged, orderId)).toBe(0);
  });

  it('stale (or future) timestamp: 401', async () => {
    const { orderId, providerPaymentId } = await pendingPayment();
    const stale = await post(
      world,
      webhook({ orderId, providerPaymentId, outcome: 'succeeded' }, { ageSeconds: 301 }),
    );
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ message: expect.stringContaining('stale') as unknown });
    const future = await post(
      world,
      webhook({ orderId, providerPaymentId, outcome: 'succeeded' }, { ageSeconds: -301 }),
    );
    expect(future.status).toBe(401);
    expect((await getPayment(world, orderId)).body.status).toBe('pending');
  });

  it('bad JSON or a bad body: 400 with field errors, nothing written', async () => {
    const { orderId, providerPaymentId } = await pendingPayment();
    const valid = webhook({ orderId, providerPaymentId, outcome: 'succeeded' });
    const badJson = await post(world, { headers: valid.headers, body: '{"id": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ errors: [{ field: '(body)', message: 'malformed JSON' }] });

    const signedButInvalid = webhook({ orderId, providerPaymentId, outcome: 'maybe' as 'failed' });
    const invalid = await post(world, signedButInvalid);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ errors: [{ field: 'outcome' }] });
    expect(await receipts(world, orderId)).toBe(0);
  });

  it('an unknown order: 404; another provider payment: 409; neither leaves a receipt', async () => {
    const unknown = newOrderId();
    const res = await post(
      world,
      webhook({ orderId: unknown, providerPaymentId: 'sim_pay_x', outcome: 'succeeded' }),
    );
    expect(res.status).toBe(404);
    expect(await receipts(world, unknown)).toBe(0);

    const { orderId } = await pendingPayment();
    const other = await post(
      world,
      webhook({ orderId, providerPaymentId: 'sim_pay_other', outcome: 'succeeded' }),
    );
    expect(other.status).toBe(409);
    expect(await receipts(world, orderId)).toBe(0);
  });
});

describe('GET /payments/:orderId', () => {
  it('404 for an order never heard of', async () => {
    const res = await fetch(`${world.url}/payments/${newOrderId()}`, { headers: await world.auth() });
    expect(res.status).toBe(404);
  });

  it('is for operators: no token 401, a customer 403', async () => {
    expect((await fetch(`${world.url}/payments/${newOrderId()}`)).status).toBe(401);
    const customer = await world.auth({ subject: 'cust-1', roles: [] });
    expect((await fetch(`${world.url}/payments/${newOrderId()}`, { headers: customer })).status).toBe(403);
  });
});
