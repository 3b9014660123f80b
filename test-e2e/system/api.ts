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

/** Who a token is for: `sub`, the `roles` claim, and how long it holds (default 1 h). */
export interface TokenClaims {
  subject: string;
  roles?: readonly string[];
  /** Seconds from now; negative for an expired token. */
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** The operator the client acts as on admin and support routes. */
export const adminSubject = 'e2e-admin';

/**
 * An HS256 JWT as an identity provider would issue it, written here with node:crypto alone (RFC
 * 7519) — independently of the services' jose-based verification, like `webhook` below. Issuer and
 * audience are the services' defaults (AUTH_ISSUER `acme`, AUTH_AUDIENCE `acme-api`).
 */
export function mintToken(secret: string, claims: TokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({
    sub: claims.subject,
    roles: claims.roles ?? [],
    iss: claims.issuer ?? 'acme',
    aud: claims.audience ?? 'acme-api',
    iat: now,
    exp: now + (claims.expiresInSeconds ?? 3600),
  })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * A body for POST /orders as a customer sends it — without `customerId` (the token names the
 * customer) — and the customer to mint the token for. A string body is sent as it is unless it is
 * a JSON object naming a customerId (malformed JSON stays malformed, an oversize body oversize).
 */
function asCustomer(body: PlaceOrderBody | string): { body: string; customerId: string } {
  const fallback = 'e2e-customer';
  let parsed: unknown = body;
  if (typeof body === 'string')
    try {
      parsed = JSON.parse(body);
    } catch {
      return { body, customerId: fallback };
    }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('customerId' in parsed))
    return { body: typeof body === 'string' ? body : JSON.stringify(body), customerId: fallback };
  const { customerId, ...rest } = parsed;
  return {
    body: JSON.stringify(rest),
    customerId: typeof customerId === 'string' && customerId !== '' ? customerId : fallback,
  };
}

/**
 * The services' HTTP APIs, as a client uses them (no imports from the apps: black box). It mints
 * its own tokens: placing an order as the customer the body names (sending the body without
 * `customerId`), everything else as an admin. An `authorization` header of the caller's wins, and
 * then the body goes out exactly as given.
 */
export function client(system: Pick<System, 'url' | 'webhookSecret' | 'authSecret'>) {
  const order = system.url('order');
  const inventory = system.url('inventory');
  const payment = system.url('payment');
  const analytics = system.url('analytics');
  const bearer = (claims: TokenClaims) => ({
    authorization: `Bearer ${mintToken(system.authSecret, claims)}`,
  });
  const admin = () => bearer({ subject: adminSubject, roles: ['admin'] });
  const asAdmin = <T>(url: string, init: RequestInit = {}) =>
    call<T>(url, {
      ...init,
      headers: { ...admin(), ...(init.headers as Record<string, string> | undefined) },
    });
  return {
    placeOrder: (body: PlaceOrderBody | string, headers: Record<string, string> = {}) => {
      if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization'))
        return call<OrderView>(`${order}/orders`, {
          method: 'POST',
          body: typeof body === 'string' ? body : JSON.stringify(body),
          headers,
        });
      const sent = asCustomer(body);
      return call<OrderView>(`${order}/orders`, {
        method: 'POST',
        body: sent.body,
        headers: { ...bearer({ subject: sent.customerId }), ...headers },
      });
    },
    order: (orderId: string, query = '') => asAdmin<OrderView>(`${order}/orders/${orderId}${query}`),
    cancel: (orderId: string) => asAdmin<OrderView>(`${order}/orders/${orderId}/cancel`, { method: 'POST' }),
    ship: (orderId: string) => asAdmin<OrderView>(`${order}/orders/${orderId}/ship`, { method: 'POST' }),
    addStock: (sku: string, quantity: number) =>
      asAdmin<Record<string, unknown>>(`${inventory}/admin/stock`, {
        method: 'POST',
        body: JSON.stringify({ sku, quantity }),
      }),
    stock: (sku: string) => asAdmin<StockView>(`${inventory}/stock/${encodeURIComponent(sku)}`),
    payment: (orderId: string) => asAdmin<Record<string, unknown>>(`${payment}/payments/${orderId}`),
    /** The read model's view of an order (analytics). */
    orderView: (orderId: string) => asAdmin<ReadModelOrder>(`${analytics}/orders/${orderId}`),
    readModelOrders: (query = '') =>
      asAdmin<{ items: ReadModelOrder[]; nextCursor: string | null }>(`${analytics}/orders${query}`),
    timeline: (orderId: string) =>
      asAdmin<Record<string, unknown>>(`${analytics}/orders/${orderId}/timeline`),
    outcomes: (query = '') => asAdmin<Record<string, unknown>>(`${analytics}/outcomes${query}`),
    rebuild: () => asAdmin<ReadModelGeneration>(`${analytics}/admin/rebuild`, { method: 'POST' }),
    rebuildStatus: () =>
      asAdmin<{ active?: ReadModelGeneration; building?: ReadModelGeneration }>(`${analytics}/admin/rebuild`),
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
