// The inventory service in-process on the real stack, and builders for the events it consumes.
import type { EventDataByType } from '@acme/contracts';
import { serviceWorld, type ServiceWorld } from '@acme/service/testing';
import { randomUUID } from 'node:crypto';
import { AppModule } from '../../src/app.module.js';
import { inventoryConfigSchema, type InventoryConfig } from '../../src/config.js';

export type InventoryWorld = ServiceWorld<InventoryConfig>;

export const startInventory = (env?: Record<string, string>): Promise<InventoryWorld> =>
  serviceWorld({
    service: 'inventory',
    schema: inventoryConfigSchema,
    module: (config) => AppModule.register(config),
    ...(env ? { env } : {}),
  });

/** Unique per call, so tests sharing one world never see each other's SKUs or orders. */
export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export function orderPlaced(
  orderId: string,
  lines: readonly { sku: string; quantity: number }[],
): EventDataByType['com.acme.order.placed.v2'] {
  const priced = lines.map((l) => ({ ...l, unitPriceMinor: 100 }));
  return {
    orderId,
    customer: { id: 'c-1', email: 'c1@example.test', name: null },
    lines: priced,
    currency: 'EUR',
    totalMinor: priced.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0),
    paymentToken: 'tok_ok',
    placedAt: Date.now(),
    deadlineAt: Date.now() + 60_000,
  };
}

export function orderCancelled(orderId: string): EventDataByType['com.acme.order.cancelled.v1'] {
  return { orderId, reason: 'CUSTOMER_REQUEST', detail: null, cancelledAt: Date.now() };
}

export async function placeOrder(
  world: InventoryWorld,
  orderId: string,
  lines: readonly { sku: string; quantity: number }[],
  id?: string,
): Promise<string> {
  return world.tap.publish({
    type: 'com.acme.order.placed.v2',
    subject: orderId,
    data: orderPlaced(orderId, lines),
    ...(id ? { id } : {}),
  });
}

export async function cancelOrder(world: InventoryWorld, orderId: string): Promise<string> {
  return world.tap.publish({
    type: 'com.acme.order.cancelled.v1',
    subject: orderId,
    data: orderCancelled(orderId),
  });
}

/** What the HTTP API answers, loosely: figures, a list of them, or a 400's field errors. */
export interface ApiBody {
  sku?: string;
  onHand?: number;
  reserved?: number;
  available?: number;
  items?: { sku: string }[];
  errors?: { field: string; message: string }[];
  [key: string]: unknown;
}

export interface ApiResponse {
  status: number;
  body: ApiBody;
}

/** As an admin unless `headers` bring another authorization. */
export async function post(
  world: InventoryWorld,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(`${world.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await world.auth()), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

export async function get(
  world: InventoryWorld,
  path: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const res = await fetch(`${world.url}${path}`, { headers: { ...(await world.auth()), ...headers } });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

export async function seed(world: InventoryWorld, sku: string, quantity: number): Promise<void> {
  const res = await post(world, '/admin/stock', { sku, quantity });
  if (res.status !== 201) throw new Error(`seeding ${sku}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Whether the consumer has handled (committed) the event with this id. */
export async function handled(world: InventoryWorld, eventId: string): Promise<boolean> {
  const row = await world.db
    .selectFrom('inbox')
    .select('message_id')
    .where('message_id', '=', eventId)
    .executeTakeFirst();
  return row !== undefined;
}
