import { createHmac, randomUUID } from 'node:crypto';
import type { System } from './system.js';

/** What a client sends to POST /orders. */
export interface PlaceOrderBody {
  customerId: string;
  customerEmail: string;
  customerName?: string;
  lines: { sku: string; quantity: number; unitPriceMinor: number }[];
  currency: string;
  paymentToken: string;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface OrderView {
  orderId: string;
  status: 'placed' | 'reserved' | 'confirmed' | 'cancelled' | 'shipped';
  [key: string]: unknown;
}

/** An order in the analytics read model (the fields the e2e suites compare). */
export interface ReadModelOrder {
  orderId: string;
  status: OrderView['status'] | 'unknown';
  [key: string]: unknown;
}

export interface ReadModelGeneration {
  generation: number;
  schema: string;
  status: string;
}

export interface StockView {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
}

async function call<T>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text for the failure message
  }
  return { status: res.status, body: body as T };
}

/** The services' HTTP APIs, as a client uses them (no imports from the apps: black box). */
export function client(system: Pick<System, 'url' | 'webhookSecret'>) {
  const order = system.url('order');
  const inventory = system.url('inventory');
  const payment = system.url('payment');
  const analytics = system.url('analytics');
  return {
    placeOrder: (body: PlaceOrderBody | string, headers: Record<string, string> = {}) =>
      call<OrderView>(`${order}/orders`, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers,
      }),
    order: (orderId: string, query = '') => call<OrderView>(`${order}/orders/${orderId}${query}`),
    cancel: (orderId: string) => call<OrderView>(`${order}/orders/${orderId}/cancel`, { method: 'POST' }),
    ship: (orderId: string) => call<OrderView>(`${order}/orders/${orderId}/ship`, { method: 'POST' }),
    addStock: (sku: string, quantity: number) =>
      call<Record<string, unknown>>(`${inventory}/admin/stock`, {
        method: 'POST',
        body: JSON.stringify({ sku, quantity }),
      }),
    stock: (sku: string) => call<StockView>(`${inventory}/stock/${encodeURIComponent(sku)}`),
    payment: (orderId: string) => call<Record<string, unknown>>(`${payment}/payments/${orderId}`),
    /** The read model's view of an order (analytics). */
    orderView: (orderId: string) => call<ReadModelOrder>(`${analytics}/orders/${orderId}`),
    readModelOrders: (query = '') =>
      call<{ items: ReadModelOrder[]; nextCursor: string | null }>(`${analytics}/orders${query}`),
    timeline: (orderId: string) => call<Record<string, unknown>>(`${analytics}/orders/${orderId}/timeline`),
    outcomes: (query = '') => call<Record<string, unknown>>(`${analytics}/outcomes${query}`),
    rebuild: () => call<ReadModelGeneration>(`${analytics}/admin/rebuild`, { method: 'POST' }),
    rebuildStatus: () =>
      call<{ active?: ReadModelGeneration; building?: ReadModelGeneration }>(`${analytics}/admin/rebuild`),
    /**
     * POST a provider webhook signed as the provider would: `v1=<hex HMAC-SHA256 of
     * "<epoch seconds>.<raw body>">` — written here independently of the payment service's code.
     */
    webhook: (rawBody: string, options: { secret?: string; timestamp?: number } = {}) => {
      const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
      const signature = `v1=${createHmac('sha256', options.secret ?? system.webhookSecret)
        .update(`${timestamp}.${rawBody}`)
        .digest('hex')}`;
      return call<Record<string, unknown>>(`${payment}/webhooks/provider`, {
        method: 'POST',
        body: rawBody,
        headers: { 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
      });
    },
  };
}

export type Client = ReturnType<typeof client>;

/** An order request with sensible defaults: one line of `sku`. */
export function orderFor(
  sku: string,
  paymentToken = 'tok_ok',
  quantity = 1,
  extra: Partial<PlaceOrderBody> = {},
): PlaceOrderBody {
  const customer = randomUUID().slice(0, 8);
  return {
    customerId: `cust-${customer}`,
    customerEmail: `${customer}@example.test`,
    customerName: `Customer ${customer}`,
    lines: [{ sku, quantity, unitPriceMinor: 1250 }],
    currency: 'EUR',
    paymentToken,
    ...extra,
  };
}
