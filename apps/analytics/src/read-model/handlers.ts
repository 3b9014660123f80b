import type { Handler, InboundEvent } from '@acme/messaging';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { AnalyticsDatabase } from './tables.js';

/**
 * How a column of `order_view` takes a new value when the row exists (`v` = the stored row,
 * `excluded` = this batch's value), chosen so that the final row does not depend on arrival order:
 * - `set`: only used behind a gate (the fact happens once: the first one projected sets it);
 * - `least` / `greatest`: the earliest / latest of several;
 * - `sum`: amounts that add up (several refunds);
 * - `coalesce`: keep what is known, fill what is not;
 * - `{ follows }`: belongs to the earliest event of its kind (e.g. the failure code to the first failure).
 */
type Merge = 'set' | 'least' | 'greatest' | 'sum' | 'coalesce' | { follows: string };

interface Fact {
  column: string;
  /** SQL over `b`, the batch's row for one order (the earliest event of the order in the batch). */
  value: string;
  merge: Merge;
}

/** What one event type does to the read model. */
interface Projector {
  type: string;
  /** SQL over `r` (the received event): when the fact happened, from the event's own timestamp. */
  at: string;
  facts: Fact[];
  /**
   * A fact an order has once, and that moves the sales counters: the row is only updated while
   * this column is NULL, and the upsert returns the rows it changed, so the counters move exactly
   * once for the order however the facts arrive (see `salesOf`).
   */
  gate?: string;
  sales?: 'placed' | 'confirmed' | 'cancelled' | 'refunded';
}

const ms = (field: string) => `to_timestamp((r.data->>'${field}')::bigint / 1000.0)`;
const minute = (column: string) => `date_trunc('minute', ${column}, 'UTC')`;

const projectors: readonly Projector[] = [
  {
    type: 'com.acme.order.placed.v2',
    at: ms('placedAt'),
    gate: 'placed_at',
    sales: 'placed',
    facts: [
      { column: 'customer_id', value: `b.data->'customer'->>'id'`, merge: 'set' },
      { column: 'customer_email', value: `b.data->'customer'->>'email'`, merge: 'set' },
      { column: 'customer_name', value: `b.data->'customer'->>'name'`, merge: 'set' },
      { column: 'currency', value: `b.data->>'currency'`, merge: 'set' },
      { column: 'total_minor', value: `(b.data->>'totalMinor')::bigint`, merge: 'set' },
      { column: 'lines', value: `b.data->'lines'`, merge: 'set' },
      { column: 'placed_at', value: 'b.at', merge: 'set' },
      {
        column: 'deadline_at',
        value: `to_timestamp((b.data->>'deadlineAt')::bigint / 1000.0)`,
        merge: 'set',
      },
    ],
  },
  {
    type: 'com.acme.order.confirmed.v1',
    at: ms('confirmedAt'),
    gate: 'confirmed_at',
    sales: 'confirmed',
    facts: [
      { column: 'confirmed_at', value: 'b.at', merge: 'set' },
      // PaymentCharged carries the same id; whichever arrives first fills it.
      { column: 'payment_id', value: `b.data->>'paymentId'`, merge: 'coalesce' },
    ],
  },
  {
    type: 'com.acme.order.cancelled.v1',
    at: ms('cancelledAt'),
    gate: 'cancelled_at',
    sales: 'cancelled',
    facts: [
      { column: 'cancelled_at', value: 'b.at', merge: 'set' },
      { column: 'cancel_reason', value: `b.data->>'reason'`, merge: 'set' },
      { column: 'cancel_detail', value: `b.data->>'detail'`, merge: 'set' },
    ],
  },
  {
    type: 'com.acme.order.shipped.v1',
    at: ms('shippedAt'),
    facts: [{ column: 'shipped_at', value: 'b.at', merge: 'least' }],
  },
  {
    type: 'com.acme.inventory.stock-reserved.v1',
    at: ms('reservedAt'),
    facts: [{ column: 'reserved_at', value: 'b.at', merge: 'least' }],
  },
  {
    // StockInsufficient has no timestamp of its own: its CloudEvents time is when it happened.
    type: 'com.acme.inventory.stock-insufficient.v1',
    at: 'r.occurred_at',
    facts: [{ column: 'stock_insufficient_at', value: 'b.at', merge: 'least' }],
  },
  {
    type: 'com.acme.inventory.stock-released.v1',
    at: ms('releasedAt'),
    facts: [{ column: 'released_at', value: 'b.at', merge: 'least' }],
  },
  {
    type: 'com.acme.payment.charged.v1',
    at: ms('chargedAt'),
    facts: [
      { column: 'payment_id', value: `b.data->>'paymentId'`, merge: { follows: 'charged_at' } },
      {
        column: 'charged_minor',
        value: `(b.data->>'amountMinor')::bigint`,
        merge: { follows: 'charged_at' },
      },
      { column: 'charged_at', value: 'b.at', merge: 'least' },
    ],
  },
  {
    type: 'com.acme.payment.failed.v1',
    at: ms('failedAt'),
    facts: [
      { column: 'payment_failure_code', value: `b.data->>'code'`, merge: { follows: 'payment_failed_at' } },
      { column: 'payment_failed_at', value: 'b.at', merge: 'least' },
    ],
  },
  {
    type: 'com.acme.payment.refunded.v1',
    sales: 'refunded',
    at: ms('refundedAt'),
    facts: [
      { column: 'refunded_minor', value: 'b.amount_total', merge: 'sum' },
      { column: 'refunded_at', value: 'b.last_at', merge: 'greatest' },
    ],
  },
];

/** The event types the projection handles (placed.v1 reaches it upcast to placed.v2). */
export const projectedTypes: readonly string[] = projectors.map((p) => p.type);

function mergeSql({ column, merge }: Fact): string {
  const stored = `v.${column}`;
  const incoming = `excluded.${column}`;
  if (merge === 'set') return incoming;
  if (merge === 'least') return `LEAST(${stored}, ${incoming})`;
  if (merge === 'greatest') return `GREATEST(${stored}, ${incoming})`;
  if (merge === 'sum') return `COALESCE(${stored}, 0) + ${incoming}`;
  if (merge === 'coalesce') return `COALESCE(${stored}, ${incoming})`;
  const t = merge.follows;
  // SET expressions all see the stored row as it was, so `v.<t>` is the time before this update.
  return `CASE WHEN v.${t} IS NULL OR excluded.${t} < v.${t} THEN ${incoming} ELSE ${stored} END`;
}

/**
 * The received events as rows for `jsonb_to_recordset`. The data is stored as received, minus the
 * payment token (a secret of the customer's payment method, not an analytics fact).
 */
export function eventRecord(event: InboundEvent): Record<string, unknown> {
  const { envelope } = event;
  const { paymentToken: _secret, ...data } = event.data as Record<string, unknown>;
  const orderId = data.orderId;
  return {
    event_id: envelope.id,
    order_id: typeof orderId === 'string' ? orderId : envelope.subject,
    type: event.type,
    source: envelope.source,
    occurred_at: envelope.time,
    correlation_id: envelope.correlationid,
    causation_id: envelope.causationid,
    traceparent: envelope.traceparent ?? null,
    topic: event.topic,
    kafka_partition: event.partition,
    kafka_offset: event.offset,
    data,
  };
}

/**
 * One statement for a run of events of one type, whatever its length:
 * 1. `input`: the events, decoded from one jsonb parameter;
 * 2. `fresh`: their timeline rows, inserted unless already there (`ON CONFLICT (event_id) DO
 *    NOTHING`); everything after works only on the ids inserted now, so the whole statement is
 *    idempotent on its own, inbox or not;
 * 3. `batch`: one row per order (an upsert cannot touch a row twice in one statement) — the
 *    earliest event of the order, with the count, latest envelope time and amount total of all;
 * 4. `upd`: the `order_view` upsert; 5. the sales counters (one upsert per table, deltas grouped).
 */
function statement(schema: string, p: Projector, events: readonly InboundEvent[]): RawBuilder<unknown> {
  const json = JSON.stringify(events.map(eventRecord));
  const view = sql.id(schema, 'order_view');
  const columns = p.facts.map((f) => f.column);
  const updates = p.facts.map((f) => `${f.column} = ${mergeSql(f)}`);
  const gate = p.gate ? `WHERE v.${p.gate} IS NULL` : '';
  const returning = p.sales && p.sales !== 'refunded' ? 'RETURNING v.*' : '';
  const tail = salesOf(schema, p);
  return sql`
    WITH input AS (
      SELECT DISTINCT ON (r.event_id) r.*, ${sql.raw(p.at)} AS at
      FROM jsonb_to_recordset(${json}::jsonb) AS r(
        event_id text, order_id text, type text, source text, occurred_at timestamptz,
        correlation_id text, causation_id text, traceparent text,
        topic text, kafka_partition integer, kafka_offset bigint, data jsonb)
      ORDER BY r.event_id
    ), fresh AS (
      INSERT INTO ${sql.id(schema, 'order_events')} (event_id, order_id, type, source, occurred_at,
        correlation_id, causation_id, traceparent, topic, kafka_partition, kafka_offset, data)
      SELECT event_id, order_id, type, source, occurred_at,
        correlation_id, causation_id, traceparent, topic, kafka_partition, kafka_offset, data
      FROM input
      ON CONFLICT (event_id) DO NOTHING
      RETURNING event_id
    ), added AS (
      SELECT i.* FROM input i JOIN fresh f ON f.event_id = i.event_id
    ), batch AS (
      SELECT DISTINCT ON (a.order_id) a.*,
        count(*) OVER w AS event_n, max(a.occurred_at) OVER w AS last_event_at, max(a.at) OVER w AS last_at,
        sum((a.data->>'amountMinor')::bigint) OVER w AS amount_total
      FROM added a
      WINDOW w AS (PARTITION BY a.order_id)
      ORDER BY a.order_id, a.at, a.event_id
    ), upd AS (
      INSERT INTO ${view} AS v (order_id, ${sql.raw(columns.join(', '))}, last_event_at, event_count)
      SELECT b.order_id, ${sql.raw(p.facts.map((f) => f.value).join(', '))}, b.last_event_at, b.event_n
      FROM batch b
      ON CONFLICT (order_id) DO UPDATE SET ${sql.raw(updates.join(', '))},
        last_event_at = GREATEST(v.last_event_at, excluded.last_event_at),
        event_count = v.event_count + excluded.event_count
      ${sql.raw(gate)}
      ${sql.raw(returning)}
    )${tail}
    SELECT count(*) AS handled FROM fresh`;
}

/**
 * Sales counters. They are per minute of the event's own timestamp and per currency; OrderConfirmed
 * and OrderCancelled carry no currency (and confirmation counts the order's total and lines), so
 * those come from the order's row. The order's facts may come in either order here (they do not
 * across topics, and a test feeds them reversed): whichever of OrderPlaced and the confirmation
 * (or cancellation) is projected second moves the counters, seeing the other in the row the gated
 * upsert returns — the row lock of the upsert makes that exactly once under concurrency too.
 */
function salesOf(schema: string, p: Projector): RawBuilder<unknown> {
  const zero = {
    placed: '0',
    placed_minor: '0',
    confirmed: '0',
    revenue: '0',
    cancelled: '0',
    refunded: '0',
  };
  type Delta = typeof zero & { at: string; currency: string; from: string };
  const row = (d: Delta) =>
    `SELECT ${minute(d.at)} AS minute, ${d.currency} AS currency, ${d.placed} AS placed, ` +
    `${d.placed_minor}::bigint AS placed_minor, ${d.confirmed} AS confirmed, ${d.revenue}::bigint AS revenue_minor, ` +
    `${d.cancelled} AS cancelled, ${d.refunded}::bigint AS refunded_minor FROM ${d.from}`;
  const confirmedLate: Delta = {
    ...zero,
    at: 'u.confirmed_at',
    currency: 'u.currency',
    confirmed: '1',
    revenue: 'u.total_minor',
    from: 'upd u WHERE u.confirmed_at IS NOT NULL AND u.placed_at IS NOT NULL',
  };
  const cancelledLate: Delta = {
    ...zero,
    at: 'u.cancelled_at',
    currency: 'u.currency',
    cancelled: '1',
    from: 'upd u WHERE u.cancelled_at IS NOT NULL AND u.placed_at IS NOT NULL',
  };
  let deltas: Delta[] = [];
  switch (p.sales) {
    case undefined:
      return sql``;
    case 'placed':
      deltas = [
        {
          ...zero,
          at: 'u.placed_at',
          currency: 'u.currency',
          placed: '1',
          placed_minor: 'u.total_minor',
          from: 'upd u',
        },
        confirmedLate,
        cancelledLate,
      ];
      break;
    case 'confirmed':
      deltas = [confirmedLate];
      break;
    case 'cancelled':
      deltas = [cancelledLate];
      break;
    case 'refunded':
      deltas = [
        {
          ...zero,
          at: 'a.at',
          currency: `a.data->>'currency'`,
          refunded: `(a.data->>'amountMinor')::bigint`,
          from: 'added a',
        },
      ];
      break;
  }
  const counters = ['placed', 'placed_minor', 'confirmed', 'revenue_minor', 'cancelled', 'refunded_minor'];
  const sales = sql`, deltas AS (${sql.raw(deltas.map(row).join(' UNION ALL '))}
    ), sales AS (
      INSERT INTO ${sql.id(schema, 'sales_by_minute')} AS s (minute, currency, ${sql.raw(counters.join(', '))})
      SELECT minute, currency, ${sql.raw(counters.map((c) => `sum(${c})`).join(', '))}
      FROM deltas GROUP BY minute, currency
      ON CONFLICT (minute, currency) DO UPDATE SET
        ${sql.raw(counters.map((c) => `${c} = s.${c} + excluded.${c}`).join(', '))}
    )`;
  if (p.sales !== 'placed' && p.sales !== 'confirmed') return sales;
  // Product lines of confirmed orders, at the confirmation's minute (same rule as `confirmedLate`).
  return sql`${sales}, products AS (
      INSERT INTO ${sql.id(schema, 'product_sales_by_minute')} AS p (minute, sku, currency, units, revenue_minor, orders)
      SELECT ${sql.raw(minute('u.confirmed_at'))}, l.sku, u.currency,
        sum(l.quantity), sum(l.quantity * l."unitPriceMinor"), count(DISTINCT u.order_id)
      FROM upd u CROSS JOIN LATERAL jsonb_to_recordset(u.lines) AS l(sku text, quantity integer, "unitPriceMinor" bigint)
      WHERE u.confirmed_at IS NOT NULL AND u.placed_at IS NOT NULL
      GROUP BY 1, 2, 3
      ON CONFLICT (minute, sku, currency) DO UPDATE SET units = p.units + excluded.units,
        revenue_minor = p.revenue_minor + excluded.revenue_minor, orders = p.orders + excluded.orders
    )`;
}

/** Project a run of events of one type (any length ≥ 1) with one statement. */
async function project(
  schema: string,
  p: Projector,
  events: readonly InboundEvent[],
  tx: Transaction<AnalyticsDatabase>,
): Promise<void> {
  if (events.length === 0) return;
  await statement(schema, p, events).execute(tx);
}

/**
 * The handlers of one generation, one per event type. `handle` is one statement for one event.
 * `handleBatch` is one function shared by all of them and takes a run of any mix of types: one
 * statement per type present, placements first (the rows do not depend on the order, see
 * `salesOf`; placements first only spares the deferred path). Today the runtime hands it runs of
 * one type (it groups by handler); a runtime that grouped by `handleBatch` would hand it whole
 * mixed batches — a partition of order.events alternates types, so runs of one type are short.
 */
export function analyticsHandlers(schema: string): Handler<AnalyticsDatabase, never>[] {
  const byType = new Map(projectors.map((p) => [p.type, p]));
  const handleBatch = async (
    events: readonly InboundEvent<never>[],
    tx: Transaction<AnalyticsDatabase>,
  ): Promise<void> => {
    const runs = new Map<Projector, InboundEvent[]>();
    for (const event of events) {
      const p = byType.get(event.type);
      if (!p) throw new Error(`the analytics projection has no handler for ${event.type}`);
      const run = runs.get(p);
      if (run) run.push(event);
      else runs.set(p, [event]);
    }
    for (const p of projectors) {
      const run = runs.get(p);
      if (run) await project(schema, p, run, tx);
    }
  };
  return projectors.map((p) => ({
    type: p.type,
    handle: (event: InboundEvent<never>, tx: Transaction<AnalyticsDatabase>) =>
      project(schema, p, [event], tx),
    handleBatch,
  }));
}
