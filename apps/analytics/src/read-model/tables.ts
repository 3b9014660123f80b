import type { ColumnType, Selectable } from 'kysely';

/**
 * int8 columns arrive as `bigint` from a pool with the platform's int8 parser (`@acme/postgres`
 * `connect`) and as a string from a plain one; readers convert with `Number()`. Money in minor units
 * stays far below 2^53.
 */
type Int8 = ColumnType<bigint | string, number | bigint, number | bigint>;
type Time = ColumnType<Date, Date | string, Date | string>;
/** Filled by Postgres (GENERATED ALWAYS … STORED): never written. */
type Generated<T> = ColumnType<T, never, never>;

/** One order line as placed (the contract's `OrderLine`), kept as jsonb. */
export interface OrderLineJson {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

export type OrderStatus = 'placed' | 'reserved' | 'confirmed' | 'shipped' | 'cancelled' | 'unknown';
export const orderStatuses = [
  'placed',
  'reserved',
  'confirmed',
  'shipped',
  'cancelled',
  'unknown',
] as const satisfies readonly OrderStatus[];

export type CancelReason = 'STOCK_INSUFFICIENT' | 'PAYMENT_FAILED' | 'CUSTOMER_REQUEST' | 'TIMEOUT' | 'OTHER';

/** `order_view`: one row per order, every fact known about it (columns null until their event). */
export interface OrderViewTable {
  order_id: string;
  customer_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  currency: string | null;
  total_minor: Int8 | null;
  lines: ColumnType<OrderLineJson[] | null, string | null, string | null>;
  placed_at: Time | null;
  deadline_at: Time | null;
  reserved_at: Time | null;
  stock_insufficient_at: Time | null;
  released_at: Time | null;
  payment_id: string | null;
  charged_minor: Int8 | null;
  charged_at: Time | null;
  payment_failed_at: Time | null;
  payment_failure_code: string | null;
  refunded_minor: Int8 | null;
  refunded_at: Time | null;
  confirmed_at: Time | null;
  cancelled_at: Time | null;
  cancel_reason: string | null;
  cancel_detail: string | null;
  shipped_at: Time | null;
  status: Generated<OrderStatus>;
  terminal_at: Generated<Date | null>;
  last_event_at: Time;
  event_count: number;
}

/** `order_events`: the timeline, every event about an order as received. */
export interface OrderEventsTable {
  event_id: string;
  order_id: string;
  type: string;
  source: string;
  occurred_at: Time;
  correlation_id: string | null;
  causation_id: string | null;
  traceparent: string | null;
  topic: string;
  kafka_partition: number;
  kafka_offset: Int8;
  data: ColumnType<Record<string, unknown>, string, string>;
}

/** `sales_by_minute`: counters per minute of the event's own timestamp and currency. */
export interface SalesByMinuteTable {
  minute: Time;
  currency: string;
  placed: number;
  placed_minor: Int8;
  confirmed: number;
  revenue_minor: Int8;
  cancelled: number;
  refunded_minor: Int8;
}

/** `product_sales_by_minute`: confirmed orders' lines, per minute of confirmation. */
export interface ProductSalesByMinuteTable {
  minute: Time;
  sku: string;
  currency: string;
  units: number;
  revenue_minor: Int8;
  orders: number;
}

/** The read model of one generation (all four tables live in that generation's schema). */
export interface AnalyticsDatabase {
  order_view: OrderViewTable;
  order_events: OrderEventsTable;
  sales_by_minute: SalesByMinuteTable;
  product_sales_by_minute: ProductSalesByMinuteTable;
}

export type OrderViewRow = Selectable<OrderViewTable>;
export type OrderEventRow = Selectable<OrderEventsTable>;
