import { sql, type Kysely } from 'kysely';
import type { AnalyticsDatabase, CancelReason, OrderStatus } from '../tables.js';

export interface OutcomeReport {
  /** Orders in the range (all orders, those not placed yet included, when no range is given). */
  orders: number;
  byStatus: Record<OrderStatus, number>;
  /** Confirmed, shipped ones included. */
  confirmed: number;
  cancelled: { total: number; byReason: Record<CancelReason, number> };
  /** Placed and not yet confirmed or cancelled. */
  inFlight: number;
  /** Placement to the saga's end (terminal_at) over the orders that ended; null when none has. */
  durationMs: { count: number; p50: number; p90: number; p99: number; max: number } | null;
}

export interface OutcomeReportOptions {
  /** placed_at ≥ from. */
  from?: Date | undefined;
  /** placed_at < to. */
  to?: Date | undefined;
}

const reasons: readonly CancelReason[] = [
  'STOCK_INSUFFICIENT',
  'PAYMENT_FAILED',
  'CUSTOMER_REQUEST',
  'TIMEOUT',
  'OTHER',
];

/**
 * How the sagas of the orders placed in a range ended: counts by status and cancellation reason
 * (a reason this version does not know counts as OTHER), and saga duration percentiles, all in one
 * scan.
 *
 * @example
 *   const { durationMs } = await outcomeReport(db, schema, { from: new Date(Date.now() - 1_800_000) });
 */
export async function outcomeReport(
  db: Kysely<AnalyticsDatabase>,
  schema: string,
  options: OutcomeReportOptions = {},
): Promise<OutcomeReport> {
  const duration = sql`extract(epoch FROM terminal_at - placed_at) * 1000`;
  const ended = sql`terminal_at IS NOT NULL AND placed_at IS NOT NULL`;
  const count = (where: ReturnType<typeof sql>) => sql<string>`count(*) FILTER (WHERE ${where})`;
  const statusCount = (s: OrderStatus) => count(sql`status = ${s}`).as(s);
  const reasonCount = (r: CancelReason) =>
    count(
      r === 'OTHER'
        ? sql`status = 'cancelled' AND (cancel_reason IS NULL OR cancel_reason NOT IN (${sql.join(reasons.slice(0, -1))}))`
        : sql`status = 'cancelled' AND cancel_reason = ${r}`,
    ).as(`reason_${r}`);
  const percentile = (p: number, name: string) =>
    sql<
      number | null
    >`percentile_cont(${p}::float8) WITHIN GROUP (ORDER BY ${duration}) FILTER (WHERE ${ended})`.as(name);
  let query = db
    .withSchema(schema)
    .selectFrom('order_view')
    .select([
      sql<string>`count(*)`.as('orders'),
      statusCount('placed'),
      statusCount('reserved'),
      statusCount('confirmed'),
      statusCount('shipped'),
      statusCount('cancelled'),
      statusCount('unknown'),
      ...reasons.map(reasonCount),
      count(ended).as('ended'),
      percentile(0.5, 'p50'),
      percentile(0.9, 'p90'),
      percentile(0.99, 'p99'),
      sql<string | null>`max(${duration}) FILTER (WHERE ${ended})`.as('max'),
    ]);
  if (options.from) query = query.where('placed_at', '>=', options.from);
  if (options.to) query = query.where('placed_at', '<', options.to);
  const row = await query.executeTakeFirstOrThrow();
  const n = (value: string | number | null | undefined): number => Number(value ?? 0);
  const r = row as unknown as Record<string, string | number | null>;
  const byStatus = {
    placed: n(row.placed),
    reserved: n(row.reserved),
    confirmed: n(row.confirmed),
    shipped: n(row.shipped),
    cancelled: n(row.cancelled),
    unknown: n(row.unknown),
  };
  const byReason = Object.fromEntries(reasons.map((reason) => [reason, n(r[`reason_${reason}`])])) as Record<
    CancelReason,
    number
  >;
  const ends = n(row.ended);
  return {
    orders: n(row.orders),
    byStatus,
    confirmed: byStatus.confirmed + byStatus.shipped,
    cancelled: { total: byStatus.cancelled, byReason },
    inFlight: byStatus.placed + byStatus.reserved,
    durationMs:
      ends === 0
        ? null
        : {
            count: ends,
            p50: Math.round(n(row.p50)),
            p90: Math.round(n(row.p90)),
            p99: Math.round(n(row.p99)),
            max: Math.round(n(row.max)),
          },
  };
}
