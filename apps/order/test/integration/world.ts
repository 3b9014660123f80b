// The order service in-process on the real stack, and what its tests do with it.
import { randomUUID } from 'node:crypto';
import { serviceWorld, type ServiceWorld } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import { AppModule } from '../../src/app.module.js';
import { orderConfigSchema, type OrderConfig } from '../../src/config.js';

export type OrderWorld = ServiceWorld<OrderConfig>;

export function startOrderWorld(env: Record<string, string> = {}): Promise<OrderWorld> {
  return serviceWorld({
    service: 'order',
    schema: orderConfigSchema,
    module: (config) => AppModule.register(config),
    env,
  });
}

/** Announce SKUs as inventory would, and wait until the order service knows them. */
export async function seedCatalogue(world: OrderWorld, skus: readonly string[]): Promise<void> {
  for (const sku of skus)
    await world.tap.publish({
      type: 'com.acme.inventory.stock-added.v1',
      subject: sku,
      data: { sku, quantity: 100, onHand: 100, addedAt: Date.now() },
    });
  await eventually(
    async () => {
      const rows = await world.db
        .selectFrom('catalogue')
        .select('sku')
        .where('sku', 'in', [...skus])
        .execute();
      return rows.length === skus.length ? true : undefined;
    },
    { description: `catalogue holds ${skus.join(', ')}` },
  );
}

export const skus = { a: `SKU-A-${randomUUID().slice(0, 6)}`, b: `SKU-B-${randomUUID().slice(0, 6)}` };

/** The customer of `call`'s default token (the customer of an order is its token's subject). */
export const customerId = 'cust-1';

/** `authorization` of a token for a customer (default `cust-1`) or, for `'admin'`, an operator. */
export const as = (world: OrderWorld, who: string = customerId) =>
  who === 'admin' ? world.auth() : world.auth({ subject: who, roles: [] });

export const orderBody = (overrides: Record<string, unknown> = {}) => ({
  customerEmail: 'ada@example.com',
  customerName: 'Ada',
  lines: [
    { sku: skus.a, quantity: 2, unitPriceMinor: 1999 },
    { sku: skus.b, quantity: 1, unitPriceMinor: 500 },
  ],
  currency: 'EUR',
  paymentToken: 'tok_ok',
  ...overrides,
});
export const orderTotal = 2 * 1999 + 500;

/** What the order API answers, loosely: each test checks the parts it cares about. */
export interface AnswerBody {
  orderId: string;
  message: string;
  errors: { field: string; message: string }[];
  history: { version: number; type: string; data: Record<string, unknown>; recordedAt: string }[];
  [field: string]: unknown;
}

export interface Answer {
  status: number;
  body: AnswerBody;
  headers: Headers;
}

export async function call(
  world: OrderWorld,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  // As the customer `cust-1` unless the caller brings its own authorization.
  const response = await fetch(`${world.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(await as(world)), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text === '' ? {} : JSON.parse(text)) as AnswerBody,
    headers: response.headers,
  };
}

/** Place an order and return its id (fails the test unless it was created). */
export async function placeOrder(
  world: OrderWorld,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const answer = await call(world, 'POST', '/orders', orderBody(overrides));
  if (answer.status !== 201)
    throw new Error(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.orderId;
}

export async function eventTypes(world: OrderWorld, orderId: string): Promise<string[]> {
  const rows = (await world.db
    .selectFrom('events')
    .select('type')
    .where('stream_id', '=', `order-${orderId}`)
    .orderBy('version')
    .execute()) as { type: string }[];
  return rows.map((row) => row.type);
}

export async function deadlineOf(world: OrderWorld, orderId: string) {
  return world.db
    .selectFrom('deadlines')
    .select(['due_at', 'fired_at', 'cancelled_at', 'payload'])
    .where('kind', '=', 'order.timeout')
    .where('key', '=', orderId)
    .executeTakeFirst() as Promise<
    { due_at: Date; fired_at: Date | null; cancelled_at: Date | null; payload: unknown } | undefined
  >;
}

/**
 * The value of one series on the service's /metrics (0 when absent): `labels` must all match, the
 * series may carry more (`service`).
 */
export async function metricValue(
  world: OrderWorld,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(`${world.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) && wanted.every((pair) => l.slice(0, l.lastIndexOf('}')).includes(pair)),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf('}') + 1));
}
