import { sql, type Transaction } from 'kysely';

/**
 * The four tables of one generation, in `schema` (which exists and is empty). The shapes are the
 * contract with the dashboard and the admin checks (see the analytics design): change them only
 * together with their readers.
 */
export async function createAnalyticsTables<DB>(tx: Transaction<DB>, schema: string): Promise<void> {
  const orderView = sql.id(schema, 'order_view');
  const orderEvents = sql.id(schema, 'order_events');
  await sql`
    CREATE TABLE ${orderView} (
      order_id text PRIMARY KEY,
      customer_id text, customer_email text, customer_name text,
      currency text, total_minor bigint,
      lines jsonb,
      placed_at timestamptz, deadline_at timestamptz,
      reserved_at timestamptz, stock_insufficient_at timestamptz, released_at timestamptz,
      payment_id text, charged_minor bigint, charged_at timestamptz,
      payment_failed_at timestamptz, payment_failure_code text,
      refunded_minor bigint, refunded_at timestamptz,
      confirmed_at timestamptz, cancelled_at timestamptz, cancel_reason text, cancel_detail text,
      shipped_at timestamptz,
      -- The write side's status, derived from the facts so that arrival order does not matter.
      status text GENERATED ALWAYS AS (CASE
          WHEN shipped_at IS NOT NULL THEN 'shipped'
          WHEN cancelled_at IS NOT NULL THEN 'cancelled'
          WHEN confirmed_at IS NOT NULL THEN 'confirmed'
          WHEN reserved_at IS NOT NULL AND placed_at IS NOT NULL THEN 'reserved'
          WHEN placed_at IS NOT NULL THEN 'placed'
          ELSE 'unknown' END) STORED,
      -- The saga's end: the first of confirmation and cancellation.
      terminal_at timestamptz GENERATED ALWAYS AS (LEAST(confirmed_at, cancelled_at)) STORED,
      last_event_at timestamptz NOT NULL,
      event_count integer NOT NULL
    )`.execute(tx);
  await sql`CREATE INDEX ON ${orderView} (customer_id, placed_at DESC, order_id DESC)`.execute(tx);
  await sql`CREATE INDEX ON ${orderView} (placed_at DESC, order_id DESC)`.execute(tx);
  await sql`CREATE INDEX ON ${orderView} (status, placed_at DESC, order_id DESC)`.execute(tx);
  await sql`CREATE INDEX ON ${orderView} (terminal_at)`.execute(tx);
  await sql`
    CREATE TABLE ${orderEvents} (
      event_id text PRIMARY KEY,
      order_id text NOT NULL,
      type text NOT NULL,
      source text NOT NULL,
      occurred_at timestamptz NOT NULL,
      correlation_id text, causation_id text, traceparent text,
      topic text NOT NULL, kafka_partition integer NOT NULL, kafka_offset bigint NOT NULL,
      data jsonb NOT NULL
    )`.execute(tx);
  await sql`CREATE INDEX ON ${orderEvents} (order_id, occurred_at)`.execute(tx);
  await sql`
    CREATE TABLE ${sql.id(schema, 'sales_by_minute')} (
      minute timestamptz NOT NULL, currency text NOT NULL,
      placed integer NOT NULL DEFAULT 0, placed_minor bigint NOT NULL DEFAULT 0,
      confirmed integer NOT NULL DEFAULT 0, revenue_minor bigint NOT NULL DEFAULT 0,
      cancelled integer NOT NULL DEFAULT 0,
      refunded_minor bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (minute, currency)
    )`.execute(tx);
  await sql`
    CREATE TABLE ${sql.id(schema, 'product_sales_by_minute')} (
      minute timestamptz NOT NULL, sku text NOT NULL, currency text NOT NULL,
      units integer NOT NULL DEFAULT 0, revenue_minor bigint NOT NULL DEFAULT 0,
      orders integer NOT NULL DEFAULT 0,
      PRIMARY KEY (minute, sku, currency)
    )`.execute(tx);
}
