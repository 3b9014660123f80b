/**
 * The order lifecycle by choreography, end to end: the four services as their own OS processes on
 * the real stack, driven only through their HTTP APIs (and a signed provider webhook), observed on
 * Kafka, in their databases and in a real SMTP sink.
 */
import { randomUUID } from 'node:crypto';
import { eventually } from '@acme/testing';
import { sql } from 'kysely';
import { orderFor } from '../system/api.js';
import { expectRebuiltEqualsLive, rebuildReadModel } from '../system/read-model.js';
import { systemWorld, type SystemWorld } from '../system/world.js';

const deadlineMs = 8_000;
let world: SystemWorld;

beforeAll(async () => {
  world = await systemWorld('lifecycle', { order: { ORDER_DEADLINE_MS: String(deadlineMs) } });
}, 180_000);
afterAll(async () => {
  // beforeAll may have failed half-way, leaving no world to close
  if ((world as SystemWorld | undefined) !== undefined) await world.close();
}, 120_000);

const sku = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const types = (orderId: string) => world.tap.about(orderId).map((e) => e.type.replace(/^com\.acme\./, ''));

async function place(skuName: string, token = 'tok_ok', quantity = 1) {
  const body = orderFor(skuName, token, quantity);
  const reply = await world.placeWhenKnown(body);
  expect(reply.status).toBe(201);
  return { orderId: reply.body.orderId, body };
}

describe('the order lifecycle', () => {
  it('happy path: placed → reserved → charged → confirmed, and the customer gets the confirmation e-mail', async () => {
    const item = sku('happy');
    await world.seed(item, 10);
    const { orderId, body } = await place(item, 'tok_ok', 2);
    const order = await world.settled(orderId);
    expect(order.status).toBe('confirmed');
    await world.tap.waitFor('com.acme.order.confirmed.v1', orderId);
    expect(types(orderId)).toEqual([
      'order.placed.v2',
      'inventory.stock-reserved.v1',
      'payment.charged.v1',
      'order.confirmed.v1',
    ]);
    // One correlation id through the whole chain, each event caused by the one before it.
    const chain = world.tap.about(orderId);
    expect(new Set(chain.map((e) => e.envelope.correlationid)).size).toBe(1);
    for (let i = 1; i < chain.length; i++)
      expect(chain[i]?.envelope.causationid).toBe(chain[i - 1]?.envelope.id);
    const mail = await world.smtp.waitFor(
      (m) => m.to.includes(body.customerEmail) && /confirm/i.test(m.subject),
      20_000,
    );
    expect(mail.text).toContain(orderId.slice(0, 8));
    expect((await world.api.stock(item)).body).toMatchObject({ onHand: 10, reserved: 2, available: 8 });
  });

  it('insufficient stock: cancelled, nothing charged, nothing reserved', async () => {
    const item = sku('scarce');
    await world.seed(item, 1);
    const { orderId } = await place(item, 'tok_ok', 2);
    const order = await world.settled(orderId);
    expect(order.status).toBe('cancelled');
    const cancelled = await world.tap.waitFor('com.acme.order.cancelled.v1', orderId);
    expect(cancelled.data).toMatchObject({ reason: 'STOCK_INSUFFICIENT' });
    expect(world.tap.about(orderId, 'com.acme.payment.charged.v1')).toEqual([]);
    expect((await world.api.stock(item)).body).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
  });

  it('declined payment: cancelled, stock released', async () => {
    const item = sku('decline');
    await world.seed(item, 5);
    const { orderId } = await place(item, 'tok_decline', 3);
    expect((await world.settled(orderId)).status).toBe('cancelled');
    expect((await world.tap.waitFor('com.acme.order.cancelled.v1', orderId)).data).toMatchObject({
      reason: 'PAYMENT_FAILED',
    });
    await world.tap.waitFor('com.acme.inventory.stock-released.v1', orderId);
    expect((await world.api.stock(item)).body).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
    expect(world.tap.about(orderId, 'com.acme.payment.charged.v1')).toEqual([]);
  });

  it('customer cancels after confirmation: refunded and released', async () => {
    const item = sku('regret');
    await world.seed(item, 4);
    const { orderId } = await place(item, 'tok_ok', 1);
    expect((await world.settled(orderId)).status).toBe('confirmed');
    const cancel = await world.api.cancel(orderId);
    expect(cancel.status).toBeLessThan(300);
    await world.tap.waitFor('com.acme.payment.refunded.v1', orderId);
    await world.tap.waitFor('com.acme.inventory.stock-released.v1', orderId);
    expect((await world.api.order(orderId)).body.status).toBe('cancelled');
    expect((await world.api.stock(item)).body).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
  });

  it('shipping: only a confirmed order ships', async () => {
    const item = sku('ship');
    await world.seed(item, 2);
    const { orderId } = await place(item, 'tok_decline');
    expect((await world.settled(orderId)).status).toBe('cancelled');
    expect((await world.api.ship(orderId)).status).toBe(409);
    const ok = await place(item, 'tok_ok');
    expect((await world.settled(ok.orderId)).status).toBe('confirmed');
    expect((await world.api.ship(ok.orderId)).status).toBeLessThan(300);
    await world.tap.waitFor('com.acme.order.shipped.v1', ok.orderId);
  });
});

describe('asynchronous payments and the provider webhook', () => {
  it('an async payment is confirmed by a signed webhook; forged and replayed webhooks are rejected and change nothing', async () => {
    const item = sku('async');
    await world.seed(item, 3);
    const { orderId } = await place(item, 'tok_async');
    const pending = await eventually(
      async () => {
        const { status, body } = await world.api.payment(orderId);
        return status === 200 && typeof body.providerPaymentId === 'string' ? body : undefined;
      },
      { timeoutMs: 20_000, description: `a pending provider payment for ${orderId}` },
    );
    const raw = JSON.stringify({
      id: `evt_${randomUUID()}`,
      orderId,
      providerPaymentId: pending.providerPaymentId,
      outcome: 'succeeded',
    });

    const forged = await world.api.webhook(raw, { secret: 'whsec_not_the_secret_at_all' });
    expect(forged.status).toBe(401);
    const stale = await world.api.webhook(raw, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    expect((await world.api.order(orderId)).body.status).toBe('reserved');

    const timestamp = Math.floor(Date.now() / 1000);
    const accepted = await world.api.webhook(raw, { timestamp });
    expect(accepted.status).toBeLessThan(300);
    expect((await world.settled(orderId)).status).toBe('confirmed');

    const replayed = await world.api.webhook(raw, { timestamp });
    expect(replayed.status).toBe(409);
    await world.tap.waitFor('com.acme.order.confirmed.v1', orderId);
    expect(world.tap.about(orderId, 'com.acme.payment.charged.v1')).toHaveLength(1);
  });

  it('timeout: an order not confirmed in time is cancelled, its stock released; a charge arriving later is refunded', async () => {
    const item = sku('timeout');
    await world.seed(item, 2);
    const { orderId } = await place(item, 'tok_async');
    const cancelled = await world.tap.waitFor('com.acme.order.cancelled.v1', orderId, deadlineMs + 20_000);
    expect(cancelled.data).toMatchObject({ reason: 'TIMEOUT' });
    await world.tap.waitFor('com.acme.inventory.stock-released.v1', orderId);
    expect((await world.api.stock(item)).body).toMatchObject({ onHand: 2, available: 2 });

    // The provider settles the payment after all: money was taken for a cancelled order → refunded.
    const { body: payment } = await world.api.payment(orderId);
    const raw = JSON.stringify({
      id: `evt_${randomUUID()}`,
      orderId,
      providerPaymentId: payment.providerPaymentId,
      outcome: 'succeeded',
    });
    expect((await world.api.webhook(raw)).status).toBeLessThan(300);
    await world.tap.waitFor('com.acme.payment.refunded.v1', orderId);
    expect((await world.api.order(orderId)).body.status).toBe('cancelled');
  });
});

describe('graceful shutdown', () => {
  it('a service stopped with SIGTERM while orders flow finishes what it holds and exits 0; restarted, every order completes once', async () => {
    const item = sku('restart');
    await world.seed(item, 100);
    const first = await place(item);
    const replies = await Promise.all(Array.from({ length: 29 }, () => world.api.placeOrder(orderFor(item))));
    const ids = [first.orderId, ...replies.map((r) => r.body.orderId)];

    const payment = world.system.services.payment;
    let exit;
    let log;
    try {
      exit = await payment.kill('SIGTERM');
      log = payment.tail(10);
    } finally {
      await payment.restart(); // the later tests need it, whatever happened here
    }
    expect(exit).toEqual({ code: 0, signal: null }); // not the SIGKILL fallback, not the forced exit (1)
    expect(log).toMatch(/"msg":"service stopped"/);

    const final = await Promise.all(ids.map((id) => world.settled(id, ['confirmed', 'cancelled'], 60_000)));
    expect(final.map((o) => o.status)).toEqual(ids.map(() => 'confirmed'));
    for (const id of ids) expect(world.tap.about(id, 'com.acme.payment.charged.v1')).toHaveLength(1);
  }, 180_000);
});

describe('under concurrency', () => {
  it('200 concurrent orders on scarce stock: no oversell, all terminal, charges = confirmed (+ refunded), stock conserved', async () => {
    const item = sku('rush');
    const initial = 60;
    await world.seed(item, initial);
    const first = await place(item, 'tok_ok'); // also proves the catalogue knows the SKU
    const bodies = Array.from({ length: 199 }, (_, i) =>
      orderFor(item, i % 5 === 4 ? 'tok_decline' : 'tok_ok'),
    );
    const replies = await Promise.all(bodies.map((b) => world.api.placeOrder(b)));
    expect(replies.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    const ids = [first.orderId, ...replies.map((r) => r.body.orderId)];

    const final = await Promise.all(ids.map((id) => world.settled(id, ['confirmed', 'cancelled'], 120_000)));
    const confirmed = final.filter((o) => o.status === 'confirmed').map((o) => o.orderId);
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.length).toBeLessThanOrEqual(initial);

    // Every compensation has landed before the books are checked.
    for (const id of ids.filter((i) => !confirmed.includes(i)))
      if (world.tap.about(id, 'com.acme.inventory.stock-reserved.v1').length > 0)
        await world.tap.waitFor('com.acme.inventory.stock-released.v1', id);
    const charged = ids.flatMap((id) => world.tap.about(id, 'com.acme.payment.charged.v1'));
    const refunded = ids.flatMap((id) => world.tap.about(id, 'com.acme.payment.refunded.v1'));
    expect(charged.length).toBe(confirmed.length + refunded.length);
    expect(new Set(charged.map((e) => e.subject)).size).toBe(charged.length); // nobody charged twice

    const stock = (await world.api.stock(item)).body;
    expect(stock.available).toBeGreaterThanOrEqual(0);
    expect(stock).toEqual(
      expect.objectContaining({
        onHand: initial,
        reserved: confirmed.length,
        available: initial - confirmed.length,
      }),
    );
  }, 300_000);
});

describe('bad input', () => {
  it.each([
    ['missing fields', JSON.stringify({ customerId: 'c1' })],
    ['a negative quantity', JSON.stringify(orderFor('x', 'tok_ok', -1))],
    ['wrong types', JSON.stringify({ ...orderFor('x'), lines: 'two please' })],
    ['malformed JSON', '{"customerId": "c1", '],
    ['an oversize body', JSON.stringify({ ...orderFor('x'), padding: 'x'.repeat(200_000) })],
    ['an unknown sku', JSON.stringify(orderFor(`never-stocked-${randomUUID()}`))],
  ])('%s → 400 with field errors, and no order written', async (_, raw) => {
    const count = async () =>
      Number(
        (
          await world
            .db('order')
            .selectFrom('events')
            .where('type', '=', 'OrderPlaced') // no order is placed meanwhile; late replies may still append
            .select((e) => e.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const reply = await world.api.placeOrder(raw);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      errors: expect.arrayContaining([
        expect.objectContaining({ field: expect.any(String) as unknown }),
      ]) as unknown,
    });
    expect(await count()).toBe(before);
  });
});

// Last in the file: it checks the read model over every order the tests above placed.
describe('the read model (analytics)', () => {
  it('agrees with the write side on every order, and a blue/green rebuild from the topics gives the same rows', async () => {
    // Its own orders of every outcome, so it stands alone too; with the file, every order above.
    const item = sku('read-model');
    await world.seed(item, 10);
    const own = [await place(item), await place(item, 'tok_decline'), await place(item)];
    expect((await world.api.cancel(own[2]?.orderId ?? '')).status).toBeLessThan(300);
    await world.settled(own[0]?.orderId ?? '', ['confirmed']);
    await world.settled(own[1]?.orderId ?? '', ['cancelled']);
    await world.settled(own[2]?.orderId ?? '', ['cancelled']);
    const ids = [
      ...new Set(world.tap.events.filter((e) => e.type === 'com.acme.order.placed.v2').map((e) => e.subject)),
    ];
    expect(ids).toEqual(expect.arrayContaining(own.map((o) => o.orderId)));
    const written = new Map(
      await Promise.all(ids.map(async (id) => [id, (await world.api.order(id)).body.status] as const)),
    );
    await eventually(
      async () => {
        const differ: string[] = [];
        for (const id of ids) {
          const view = await world.api.orderView(id);
          if (view.status !== 200 || view.body.status !== written.get(id))
            differ.push(`${id}: write side ${String(written.get(id))}, read model ${view.body.status}`);
        }
        expect(differ).toEqual([]);
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the read model to agree with the order service' },
    );

    const generations = await rebuildReadModel(world, {
      // The old generation serves while the new one is built.
      whileBuilding: async () => {
        expect((await world.api.orderView(ids[0] ?? '')).status).toBe(200);
      },
    });
    expect(generations.rebuilt.generation).toBe(generations.serving.generation + 1);
    await expectRebuiltEqualsLive(world, generations);
    // Still serving every order, from the new generation; and nothing re-fired: analytics publishes
    // nothing, and no e-mail went out twice (notification may still be sending the last ones).
    for (const id of ids.slice(0, 20))
      expect((await world.api.orderView(id)).body.status).toBe(written.get(id));
    const outbox = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox`.execute(
      world.db('analytics'),
    );
    expect(outbox.rows[0]?.n).toBe(0);
    expect(world.tap.events.filter((e) => e.envelope.source === '/acme/analytics')).toEqual([]);
    const mailIds = world.smtp.messages.map((m) => m.messageId);
    expect(new Set(mailIds).size).toBe(mailIds.length);
  }, 240_000);
});
