import { sql, type Kysely } from 'kysely';
import type { AnalyticsDatabase } from '../tables.js';
import type { Bucket } from './buckets.js';
import { iso } from './convert.js';

export interface SalesReportOptions {
  /** Minutes ≥ from … */
  from: Date;
  /** … and < to. A bucket cut by the range holds only the minutes inside it. */
  to: Date;
  bucket: Bucket;
  currency?: string | undefined;
  /** Most products listed (default 100), best sellers first. */
  productLimit?: number;
}

export interface SalesPoint {
  /** Start of the bucket (UTC-aligned). */
  start: string;
  currency: string;
  placed: number;
  confirmed: number;
  cancelled: number;
  revenueMinor: number;
  refundedMinor: number;
  /** Revenue less refunds. */
  netMinor: number;
}

export interface ProductSales {
  sku: string;
  currency: string;
  units: number;
  revenueMinor: number;
  orders: number;
}

export interface SalesReport {
  bucket: Bucket;
  from: string;
  to: string;
  /** Buckets with data only, by start then currency: the client fills the gaps. */
  series: SalesPoint[];
  /** Totals over the range per SKU and currency, by revenue descending. */
  products: ProductSales[];
}

/**
 * Sales per bucket (minute, hour or UTC day) summed from the per-minute counters, and the range's
 * best-selling products. Each figure sits at its event's own time: placements at placedAt,
 * revenue at confirmedAt, refunds at refundedAt.
 *
 * @example
 *   await salesReport(db, schema, { from: new Date(Date.now() - 3_600_000), to: new Date(), bucket: 'minute' });
 */
export async function salesReport(
  db: Kysely<AnalyticsDatabase>,
  schema: string,
  options: SalesReportOptions,
): Promise<SalesReport> {
  const { from, to, bucket, currency } = options;
  const start = sql<Date>`date_trunc(${bucket}, minute, 'UTC')`;
  let series = db
    .withSchema(schema)
    .selectFrom('sales_by_minute')
    .select([
      start.as('start'),
      'currency',
      sql<string>`sum(placed)`.as('placed'),
      sql<string>`sum(confirmed)`.as('confirmed'),
      sql<string>`sum(cancelled)`.as('cancelled'),
      sql<string>`sum(revenue_minor)`.as('revenue_minor'),
      sql<string>`sum(refunded_minor)`.as('refunded_minor'),
    ])
    .where('minute', '>=', from)
    .where('minute', '<', to);
  if (currency !== undefined) series = series.where('currency', '=', currency);
  let products = db
    .withSchema(schema)
    .selectFrom('product_sales_by_minute')
    .select([
      'sku',
      'currency',
      sql<string>`sum(units)`.as('units'),
      sql<string>`sum(revenue_minor)`.as('revenue_minor'),
      sql<string>`sum(orders)`.as('orders'),
    ])
    .where('minute', '>=', from)
    .where('minute', '<', to);
  if (currency !== undefined) products = products.where('currency', '=', currency);
  const [points, best] = await Promise.all([
    series
      .groupBy([sql`1`, 'currency'])
      .orderBy(sql`1`)
      .orderBy('currency')
      .execute(),
    products
      .groupBy(['sku', 'currency'])
      .orderBy(sql`sum(revenue_minor)`, 'desc')
      .orderBy('sku')
      .orderBy('currency')
      .limit(options.productLimit ?? 100)
      .execute(),
  ]);
  return {
    bucket,
    from: from.toISOString(),
    to: to.toISOString(),
    series: points.map((p) => {
      const revenueMinor = Number(p.revenue_minor);
      const refundedMinor = Number(p.refunded_minor);
      return {
        start: iso(p.start) ?? '',
        currency: p.currency,
        placed: Number(p.placed),
        confirmed: Number(p.confirmed),
        cancelled: Number(p.cancelled),
        revenueMinor,
        refundedMinor,
        netMinor: revenueMinor - refundedMinor,
      };
    }),
    products: best.map((p) => ({
      sku: p.sku,
      currency: p.currency,
      units: Number(p.units),
      revenueMinor: Number(p.revenue_minor),
      orders: Number(p.orders),
    })),
  };
}
