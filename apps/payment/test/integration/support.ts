import { randomUUID } from 'node:crypto';
import type { EventDataByType } from '@acme/contracts';
import { serviceWorld, type ServiceWorld } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import { sql } from 'kysely';
import type { PaymentView } from '../../src/application/payment-view.js';
import { AppModule } from '../../src/app.module.js';
import { paymentConfigSchema, type PaymentConfig } from '../../src/config.js';
import type { ProviderSimulator } from '../../src/infrastructure/provider-simulator.js';
import { PAYMENT_PROVIDER } from '../../src/payment.tokens.js';
import {
  signedWebhook,
  webhookHeaders,
  type ProviderWebhookBody,
} from '../../src/infrastructure/simulator-webhooks.js';

export const SECRET = 'whsec_integration_tests_only';

export const T = {
  placed: 'com.acme.order.placed.v2',
  cancelled: 'com.acme.order.cancelled.v1',
  reserved: 'com.acme.inventory.stock-reserved.v1',
  charged: 'com.acme.payment.charged.v1',
  failed: 'com.acme.payment.failed.v1',
  refunded: 'com.acme.payment.refunded.v1',
} as const;

export type World = ServiceWorld<PaymentConfig>;

/** The payment service in-process on the real stack (webhook secret SECRET), and its provider simulator. */
export async function startPaymentWorld(
  env: Record<string, string> = {},
): Promise<{ world: World; simulator: ProviderSimulator }> {
  const world = await serviceWorld({
    service: 'payment',
    schema: paymentConfigSchema,
    module: (config) => AppModule.register(config),
    env: { PAYMENT_WEBHOOK_SECRET: SECRET, ...env },
  });
  return { world, simulator: world.app.get<ProviderSimulator>(PAYMENT_PROVIDER, { strict: false }) };
}

export const newOrderId = (): string => `o-${randomUUID()}`;

export function placed(
  orderId: string,
  paymentToken: string,
  totalMinor = 2598,
): EventDataByType[typeof T.placed] {
  const now = Date.now();
  return {
    orderId,
    customer: { id: 'c-1', email: 'ada@example.com', name: null },
    lines: [{ sku: 'SKU-1', quantity: 2, unitPriceMinor: totalMinor / 2 }],
    currency: 'EUR',
    totalMinor,
    paymentToken,
    placedAt: now,
    deadlineAt: now + 60_000,
  };
}

export const reserved = (orderId: string): EventDataByType[typeof T.reserved] => ({
  orderId,
  lines: [{ sku: 'SKU-1', quantity: 2 }],
  reservedAt: Date.now(),
});

export const cancelled = (orderId: string): EventDataByType[typeof T.cancelled] => ({
  orderId,
  reason: 'CUSTOMER_REQUEST',
  detail: null,
  cancelledAt: Date.now(),
});

/** Place the order and reserve its stock, as the order and inventory services would. */
export async function placeAndReserve(world: World, orderId: string, token: string): Promise<void> {
  await world.tap.publish({ type: T.placed, subject: orderId, data: placed(orderId, token) });
  await world.tap.publish({ type: T.reserved, subject: orderId, data: reserved(orderId) });
}

export async function getPayment(
  world: World,
  orderId: string,
): Promise<{ status: number; body: PaymentView }> {
  const res = await fetch(`${world.url}/payments/${encodeURIComponent(orderId)}`, {
    headers: await world.auth(),
  });
  return { status: res.status, body: (await res.json()) as PaymentView };
}

/** Waits until the payment's status is `status`; returns the payment. */
export function paymentIn(
  world: World,
  orderId: string,
  status: PaymentView['status'],
): Promise<PaymentView> {
  return eventually(
    async () => {
      const { body } = await getPayment(world, orderId);
      return body.status === status ? body : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, description: `payment of ${orderId} ${status}` },
  );
}

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

/** A webhook signed as the provider would, `ageSeconds` old. */
export function webhook(
  body: Omit<ProviderWebhookBody, 'id'> & { id?: string },
  options: { secret?: string; ageSeconds?: number } = {},
): WebhookRequest {
  const now = Date.now() - (options.ageSeconds ?? 0) * 1000;
  return signedWebhook(options.secret ?? SECRET, { id: `evt_${randomUUID()}`, ...body }, now);
}

export async function post(
  world: World,
  request: WebhookRequest,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${world.url}/webhooks/provider`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export { webhookHeaders };

/** Integration events of `type` about the order written to the outbox (shipped or not). */
export async function outboxed(world: World, type: string, orderId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM outbox WHERE key = ${orderId} AND headers->>'ce_type' = ${type}`.execute(
    world.db,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The inbox rows of these event ids: handled (or skipped as duplicates) by the consumer. */
export async function handled(world: World, ids: readonly string[]): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(DISTINCT message_id) AS n FROM inbox WHERE message_id IN (${sql.join(ids)})`.execute(
    world.db,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function receipts(world: World, orderId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM webhook_receipts WHERE order_id = ${orderId}`.execute(world.db);
  return Number(rows[0]?.n ?? 0);
}
