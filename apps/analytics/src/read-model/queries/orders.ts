import { sql, type Kysely } from 'kysely';
import type { AnalyticsDatabase, OrderLineJson, OrderStatus, OrderViewRow } from '../tables.js';
import { iso, num } from './convert.js';
import { encodeCursor, type OrderCursor } from './cursor.js';

export interface OrderSummary {
  orderId: string;
  customerId: string | null;
  status: OrderStatus;
  currency: string | null;
  totalMinor: number | null;
  placedAt: string;
  terminalAt: string | null;
  cancelReason: string | null;
}

export interface ListOrdersOptions {
  customerId?: string | undefined;
  status?: OrderStatus | undefined;
  /** placed_at ≥ from. */
  from?: Date | undefined;
  /** placed_at < to. */
  to?: Date | undefined;
  /** Page size (the HTTP API allows 1–200). */
  limit: number;
  /** Decoded `nextCursor` of the previous page (see `decodeCursor`). */
  cursor?: OrderCursor | undefined;
}

export interface OrderPage {
  items: OrderSummary[];
  /** Pass back (decoded) for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * Orders newest first by (placed_at, order_id), keyset-paged: a page costs the same however deep
 * it is, and orders arriving meanwhile neither shift nor repeat later pages. Orders not placed yet
 * (only replies seen) are not listed.
 *
 * @example
 *   const page = await listOrders(db, schema, { status: 'cancelled', limit: 20 });
 */
export async function listOrders(
  db: Kysely<AnalyticsDatabase>,
  schema: string,
  options: ListOrdersOptions,
): Promise<OrderPage> {
  const { customerId, status, from, to, limit, cursor } = options;
  let query = db
    .withSchema(schema)
    .selectFrom('order_view')
    .select([
      'order_id',
      'customer_id',
      'status',
      'currency',
      'total_minor',
      'placed_at',
      'terminal_at',
      'cancel_reason',
      sql<string>`(extract(epoch FROM placed_at) * 1000000)::bigint::text`.as('placed_at_us'),
    ])
    .where('placed_at', 'is not', null);
  if (customerId !== undefined) query = query.where('customer_id', '=', customerId);
  if (status !== undefined) query = query.where('status', '=', status);
  if (from) query = query.where('placed_at', '>=', from);
  if (to) query = query.where('placed_at', '<', to);
  if (cursor)
    query = query.where(
      sql<boolean>`(placed_at, order_id) < (timestamptz 'epoch' + ${cursor.placedAtUs}::bigint * interval '1 microsecond', ${cursor.orderId})`,
    );
  const rows = await query
    .orderBy('placed_at', 'desc')
    .orderBy('order_id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      orderId: r.order_id,
      customerId: r.customer_id,
      status: r.status,
      currency: r.currency,
      totalMinor: num(r.total_minor),
      placedAt: iso(r.placed_at) ?? '',
      terminalAt: iso(r.terminal_at),
      cancelReason: r.cancel_reason,
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ placedAtUs: last.placed_at_us, orderId: last.order_id })
        : null,
  };
}

export interface OrderDetail {
  orderId: string;
  status: OrderStatus;
  customer: { id: string | null; email: string | null; name: string | null };
  currency: string | null;
  totalMinor: number | null;
  lines: OrderLineJson[];
  placedAt: string | null;
  deadlineAt: string | null;
  stock: { reservedAt: string | null; insufficientAt: string | null; releasedAt: string | null };
  payment: {
    paymentId: string | null;
    chargedMinor: number | null;
    chargedAt: string | null;
    failedAt: string | null;
    failureCode: string | null;
    refundedMinor: number | null;
    refundedAt: string | null;
  };
  confirmedAt: string | null;
  cancellation: { at: string; reason: string | null; detail: string | null } | null;
  shippedAt: string | null;
  terminalAt: string | null;
  /** Placement to the saga's end (confirmation or cancellation); null while in flight. */
  durationMs: number | null;
  lastEventAt: string;
  eventCount: number;
}

/** Everything the read model knows about one order, or undefined when it has seen no event of it. */
export async function getOrder(
  db: Kysely<AnalyticsDatabase>,
  schema: string,
  orderId: string,
): Promise<OrderDetail | undefined> {
  const row = await db
    .withSchema(schema)
    .selectFrom('order_view')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row ? orderDetail(row) : undefined;
}

function orderDetail(r: OrderViewRow): OrderDetail {
  const cancelledAt = iso(r.cancelled_at);
  return {
    orderId: r.order_id,
    status: r.status,
    customer: { id: r.customer_id, email: r.customer_email, name: r.customer_name },
    currency: r.currency,
    totalMinor: num(r.total_minor),
    lines: r.lines ?? [],
    placedAt: iso(r.placed_at),
    deadlineAt: iso(r.deadline_at),
    stock: {
      reservedAt: iso(r.reserved_at),
      insufficientAt: iso(r.stock_insufficient_at),
      releasedAt: iso(r.released_at),
    },
    payment: {
      paymentId: r.payment_id,
      chargedMinor: num(r.charged_minor),
      chargedAt: iso(r.charged_at),
      failedAt: iso(r.payment_failed_at),
      failureCode: r.payment_failure_code,
      refundedMinor: num(r.refunded_minor),
      refundedAt: iso(r.refunded_at),
    },
    confirmedAt: iso(r.confirmed_at),
    cancellation: cancelledAt ? { at: cancelledAt, reason: r.cancel_reason, detail: r.cancel_detail } : null,
    shippedAt: iso(r.shipped_at),
    terminalAt: iso(r.terminal_at),
    durationMs:
      r.terminal_at && r.placed_at
        ? new Date(r.terminal_at).getTime() - new Date(r.placed_at).getTime()
        : null,
    lastEventAt: iso(r.last_event_at) ?? '',
    eventCount: r.event_count,
  };
}
