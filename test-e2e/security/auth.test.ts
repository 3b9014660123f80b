/**
 * Authentication and authorization of the five services as OS processes: every admin endpoint
 * refuses an anonymous caller (401) and a customer (403) before anything is written; customers see
 * only their own orders; the public routes stay public; and no secret or token reaches the logs.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { adminSubject, mintToken, orderFor } from '../system/api.js';
import { serviceNames, type ServiceName } from '../system/system.js';
import { systemWorld, type SystemWorld } from '../system/world.js';

let world: SystemWorld;
/** Every token this file sent: none may show up in a log. */
const minted: string[] = [];

beforeAll(async () => {
  world = await systemWorld('security', { order: { ORDER_RATE_LIMIT: '5', ORDER_RATE_WINDOW_MS: '60000' } });
}, 180_000);
afterAll(async () => {
  if ((world as SystemWorld | undefined) !== undefined) await world.close();
}, 120_000);

const token = (subject: string, roles: string[] = [], expiresInSeconds?: number) => {
  const jwt = mintToken(world.system.authSecret, {
    subject,
    roles,
    ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
  });
  minted.push(jwt);
  return jwt;
};

interface Reply {
  status: number;
  challenge: string | null;
  body: Record<string, unknown>;
}

async function send(
  service: ServiceName,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Reply> {
  const res = await fetch(`${world.system.url(service)}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: Record<string, unknown> = { text };
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON (the dashboard page, metrics)
  }
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body };
}

describe('admin endpoints', () => {
  const stocked = `sec-${randomUUID().slice(0, 8)}`;
  const fresh = `sec-new-${randomUUID().slice(0, 8)}`;
  let orderId: string;

  beforeAll(async () => {
    await world.seed(stocked, 10);
    const placed = await world.placeWhenKnown(orderFor(stocked));
    expect(placed.status).toBe(201);
    orderId = placed.body.orderId;
    await world.settled(orderId);
  }, 60_000);

  const adminEndpoints = (): [ServiceName, string, string, unknown?][] => [
    ['inventory', 'POST', '/admin/stock', { sku: fresh, quantity: 5 }],
    ['inventory', 'POST', '/admin/stock', { items: [{ sku: stocked, quantity: 5 }] }],
    ['order', 'POST', `/orders/${orderId}/ship`],
    ['payment', 'GET', `/payments/${orderId}`],
    ['notification', 'GET', `/notifications/${orderId}`],
    ['analytics', 'GET', '/orders'],
    ['analytics', 'GET', `/orders/${orderId}`],
    ['analytics', 'GET', `/orders/${orderId}/timeline`],
    ['analytics', 'GET', '/sales?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z'],
    ['analytics', 'GET', '/outcomes'],
    ['analytics', 'GET', '/admin/rebuild'],
    ['analytics', 'POST', '/admin/rebuild'],
    ['analytics', 'DELETE', '/admin/rebuild'],
  ];

  it('answer 401 without a token, 401 to a forged or expired one, 403 to a customer — and write nothing', async () => {
    const placedByCustomer = (await world.api.order(orderId)).body.customer as { id: string };
    const customer = token(placedByCustomer.id);
    const forged = mintToken('not-the-secret-of-these-services-0000', {
      subject: adminSubject,
      roles: ['admin'],
    });
    minted.push(forged);
    const expired = token(adminSubject, ['admin'], -120);
    const answers: string[] = [];
    for (const [service, method, path, body] of adminEndpoints()) {
      const anonymous = await send(service, method, path, { body });
      const withForged = await send(service, method, path, { body, token: forged });
      const withExpired = await send(service, method, path, { body, token: expired });
      const asCustomer = await send(service, method, path, { body, token: customer });
      answers.push(
        `${service} ${method} ${path.split('?')[0] ?? ''}: ${anonymous.status} ${anonymous.challenge ?? '-'} | ` +
          `${withForged.status} ${withExpired.status} | ${asCustomer.status}`,
      );
    }
    expect(answers).toEqual(
      adminEndpoints().map(
        ([service, method, path]) =>
          `${service} ${method} ${path.split('?')[0] ?? ''}: 401 Bearer | 401 401 | 403`,
      ),
    );
    // Nothing written: no stock added, the order not shipped, no rebuild started.
    expect((await world.api.stock(fresh)).status).toBe(404);
    expect((await world.api.stock(stocked)).body).toMatchObject({ onHand: 10 });
    expect(world.tap.about(fresh)).toEqual([]);
    expect((await world.api.order(orderId)).body.status).toBe('confirmed');
    expect(world.tap.about(orderId, 'com.acme.order.shipped.v1')).toEqual([]);
    expect((await world.api.rebuildStatus()).body.building).toBeUndefined();
  });

  it('let an admin through', async () => {
    const admin = token(adminSubject, ['admin']);
    for (const [service, method, path] of [
      ['payment', 'GET', `/payments/${orderId}`],
      ['notification', 'GET', `/notifications/${orderId}`],
      ['analytics', 'GET', '/outcomes'],
      ['inventory', 'GET', `/stock/${stocked}`],
    ] as const) {
      // 200, or 404 where the service has not seen the order yet: past the guard either way.
      const { status } = await send(service, method, path, { token: admin });
      expect([service, path, status === 200 || status === 404]).toEqual([service, path, true]);
    }
  });
});

describe('customers', () => {
  it('place orders as themselves, see only their own, and are rate-limited', async () => {
    const item = `sec-c-${randomUUID().slice(0, 8)}`;
    await world.seed(item, 100);
    const ada = `cust-ada-${randomUUID().slice(0, 6)}`;
    const bob = `cust-bob-${randomUUID().slice(0, 6)}`;
    const { customerId: _ignored, ...body } = orderFor(item);
    const placed = await send('order', 'POST', '/orders', { token: token(ada), body });
    expect(placed.status).toBe(201);
    const orderId = String(placed.body.orderId);
    expect(placed.body).toMatchObject({ customer: { id: ada } });
    // Naming a customer in the body is refused.
    const named = await send('order', 'POST', '/orders', {
      token: token(ada),
      body: { ...body, customerId: bob },
    });
    expect(named.status).toBe(400);
    expect(named.body.errors).toEqual([expect.objectContaining({ field: 'customerId' })]);
    // Bob learns nothing about Ada's order, and cannot cancel it.
    expect((await send('order', 'GET', `/orders/${orderId}`, { token: token(bob) })).status).toBe(404);
    expect((await send('order', 'POST', `/orders/${orderId}/cancel`, { token: token(bob) })).status).toBe(
      404,
    );
    expect(world.tap.about(orderId, 'com.acme.order.cancelled.v1')).toEqual([]);
    expect((await send('order', 'GET', `/orders/${orderId}`, { token: token(ada) })).status).toBe(200);
    // Without a token, no order.
    const before = await placedCount();
    expect((await send('order', 'POST', '/orders', { body })).status).toBe(401);
    // ORDER_RATE_LIMIT is 5 here: Ada has used 2 (one refused with 400 still counts).
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1)
      statuses.push((await send('order', 'POST', '/orders', { token: token(ada), body })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(await placedCount()).toBe(before + 3);
  });

  async function placedCount(): Promise<number> {
    const row = await world
      .db('order')
      .selectFrom('events')
      .where('type', '=', 'OrderPlaced')
      .select((e) => e.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
});

describe('public routes', () => {
  it('need no token: probes, metrics, API docs, the dashboard; the webhook answers to its signature only', async () => {
    for (const name of serviceNames)
      for (const path of ['/health/live', '/health/ready', '/metrics', '/docs/json'])
        expect([name, path, (await send(name, 'GET', path)).status]).toEqual([name, path, 200]);
    expect((await send('analytics', 'GET', '/dashboard')).status).toBe(200);
    const unsigned = await send('payment', 'POST', '/webhooks/provider', { body: { id: 'evt_x' } });
    expect(unsigned.status).toBe(401);
    expect(String(unsigned.body.message)).toMatch(/webhook signature/);
    const docs = await send('order', 'GET', '/docs/json');
    expect(docs.body).toMatchObject({ components: { securitySchemes: { bearer: { scheme: 'bearer' } } } });
  });
});

describe('logs', () => {
  it('hold no secret and no token', async () => {
    // Stopped first, so that every line is flushed to its file.
    await world.system.stop();
    const secrets = [
      ['AUTH_JWT_SECRET', world.system.authSecret],
      ['PAYMENT_WEBHOOK_SECRET', world.system.webhookSecret],
      ...minted.map((jwt, i) => [`token ${i}`, jwt] as const),
      // A token's signature alone is as good as the token.
      ...minted.map((jwt, i) => [`signature of token ${i}`, jwt.split('.')[2] ?? jwt] as const),
    ];
    expect(minted.length).toBeGreaterThan(5);
    const leaks: string[] = [];
    for (const name of serviceNames) {
      const log = readFileSync(world.system.services[name].logFile, 'utf8');
      expect(log.length).toBeGreaterThan(0);
      for (const [what, secret] of secrets) if (log.includes(secret)) leaks.push(`${what} in ${name}'s log`);
      if (/Bearer [A-Za-z0-9_-]+\./.test(log)) leaks.push(`a bearer header in ${name}'s log`);
    }
    expect(leaks).toEqual([]);
  });
});
