import type { EventDataByType } from '@acme/contracts';
import { serviceWorld, type ServiceWorld } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { analyticsConfigSchema, type AnalyticsConfig } from '../../src/config.js';

jest.setTimeout(60_000);

let world: ServiceWorld<AnalyticsConfig>;

beforeAll(async () => {
  world = await serviceWorld({
    service: 'analytics',
    schema: analyticsConfigSchema,
    module: (config) => AppModule.register(config),
  });
});

afterAll(async () => {
  await world.close();
});

interface Response {
  status: number;
  body: Record<string, unknown> & { errors?: { field: string; message: string }[] };
}

async function get(path: string): Promise<Response> {
  const response = await fetch(`${world.url}${path}`, { headers: await world.auth() });
  return { status: response.status, body: (await response.json()) as Response['body'] };
}

const fields = (r: Response) => (r.body.errors ?? []).map((e) => e.field);

/** Publish the happy path of one order as the other services would, each event caused by the last. */
async function confirmedOrder(orderId: string, customerId: string, placedAt: number): Promise<void> {
  const traceId = randomUUID().replaceAll('-', '');
  let causationId = `cmd-${orderId}`;
  const publish = async <T extends keyof EventDataByType>(type: T, data: EventDataByType[T]) => {
    const cause = {
      correlationId: `corr-${orderId}`,
      causationId,
      hops: 0,
      traceparent: `00-${traceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
    };
    causationId = await world.tap.publish({ type, subject: orderId, data, cause });
  };
  await publish('com.acme.order.placed.v2', {
    orderId,
    customer: { id: customerId, email: 'a@example.test', name: null },
    lines: [{ sku: 'sku-http', quantity: 3, unitPriceMinor: 700 }],
    currency: 'EUR',
    totalMinor: 2100,
    paymentToken: 'tok_ok',
    placedAt,
    deadlineAt: placedAt + 60_000,
  });
  await publish('com.acme.inventory.stock-reserved.v1', {
    orderId,
    lines: [{ sku: 'sku-http', quantity: 3 }],
    reservedAt: placedAt + 10,
  });
  await publish('com.acme.payment.charged.v1', {
    orderId,
    paymentId: `pay-${orderId}`,
    amountMinor: 2100,
    currency: 'EUR',
    chargedAt: placedAt + 20,
  });
  await publish('com.acme.order.confirmed.v1', {
    orderId,
    confirmedAt: placedAt + 30,
    paymentId: `pay-${orderId}`,
  });
}

describe('analytics query API', () => {
  const orderId = `ord-${randomUUID().slice(0, 8)}`;
  const customerId = `cust-${randomUUID().slice(0, 8)}`;
  const placedAt = Date.now();

  beforeAll(async () => {
    await confirmedOrder(orderId, customerId, placedAt);
    await eventually(
      async () => {
        const r = await get(`/orders/${orderId}`);
        // Topics are consumed independently: wait for all four events, not just the confirmation.
        return r.status === 200 && r.body.status === 'confirmed' && r.body.eventCount === 4 ? r : undefined;
      },
      { description: `order ${orderId} confirmed in the read model` },
    );
  });

  it('shows the order, in full and in the list', async () => {
    const order = await get(`/orders/${orderId}`);
    expect(order.body).toMatchObject({
      orderId,
      status: 'confirmed',
      customer: { id: customerId },
      totalMinor: 2100,
      lines: [{ sku: 'sku-http', quantity: 3, unitPriceMinor: 700 }],
      payment: { paymentId: `pay-${orderId}`, chargedMinor: 2100 },
      durationMs: 30,
      eventCount: 4,
    });
    const list = await get(`/orders?customerId=${customerId}&limit=10`);
    expect(list).toEqual({
      status: 200,
      body: {
        items: [
          expect.objectContaining({
            orderId,
            status: 'confirmed',
            totalMinor: 2100,
            placedAt: new Date(placedAt).toISOString(),
          }),
        ],
        nextCursor: null,
      },
    });
  });

  it('shows the timeline in causal order with trace links', async () => {
    const timeline = await get(`/orders/${orderId}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.correlationIds).toEqual([`corr-${orderId}`]);
    const events = timeline.body.events as {
      eventId: string;
      type: string;
      service: string;
      causedBy: string | null;
      traceUrl: string | null;
    }[];
    // The tap publishes as source /acme/test.
    expect(events.map((e) => e.service)).toEqual(['test', 'test', 'test', 'test']);
    expect(events.map((e) => e.causedBy)).toEqual([null, ...events.slice(0, -1).map((e) => e.eventId)]);
    expect(events.map((e) => e.type)).toEqual([
      'com.acme.order.placed.v2',
      'com.acme.inventory.stock-reserved.v1',
      'com.acme.payment.charged.v1',
      'com.acme.order.confirmed.v1',
    ]);
    expect(events[0]?.traceUrl).toMatch(/^http:\/\/127\.0\.0\.1:16686\/trace\/[0-9a-f]{32}$/);
  });

  it('reports sales and outcomes', async () => {
    const from = new Date(placedAt - 120_000).toISOString();
    const to = new Date(placedAt + 120_000).toISOString();
    const sales = await get(`/sales?from=${from}&to=${to}&bucket=hour&currency=EUR`);
    expect(sales.status).toBe(200);
    const products = sales.body.products as { sku: string; units: number }[];
    expect(products).toContainEqual(expect.objectContaining({ sku: 'sku-http', units: 3 }));
    const outcomes = await get(`/outcomes?from=${from}&to=${to}`);
    expect(outcomes.status).toBe(200);
    expect(outcomes.body).toMatchObject({ confirmed: 1, durationMs: { count: 1, p50: 30 } });
  });

  it('answers 404 for an unknown order', async () => {
    expect((await get('/orders/no-such-order')).status).toBe(404);
    expect((await get('/orders/no-such-order/timeline')).status).toBe(404);
  });

  it.each([
    ['/orders?limit=0', ['limit']],
    ['/orders?limit=201', ['limit']],
    ['/orders?status=lost', ['status']],
    ['/orders?cursor=not-a-cursor', ['cursor']],
    ['/orders?from=yesterday', ['from']],
    ['/orders?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', ['to']],
    ['/orders?colour=red', ['(query)']],
    ['/sales', ['from', 'to']],
    ['/sales?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&bucket=week', ['bucket']],
    ['/sales?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&bucket=minute', ['to']],
    ['/sales?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&currency=eur', ['currency']],
    ['/outcomes?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', ['to']],
  ])('answers 400 with field errors for %s', async (path, expected) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(fields(r).sort()).toEqual([...expected].sort());
  });
});

describe('access', () => {
  it.each([
    ['GET', '/orders'],
    ['GET', '/orders/any-order'],
    ['GET', '/sales?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z'],
    ['GET', '/outcomes'],
    ['GET', '/admin/rebuild'],
    ['POST', '/admin/rebuild'],
  ])('%s %s is for operators: no token 401, a customer 403', async (method, path) => {
    expect((await fetch(`${world.url}${path}`, { method })).status).toBe(401);
    const customer = await world.auth({ subject: 'cust-1', roles: [] });
    expect((await fetch(`${world.url}${path}`, { method, headers: customer })).status).toBe(403);
  });

  it('started no rebuild for the refused requests', async () => {
    const status = await get('/admin/rebuild');
    expect(status.status).toBe(200);
    expect(status.body.building ?? null).toBeNull();
  });
});
