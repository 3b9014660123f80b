import type { ReadModel } from '../analytics.tokens.js';
import {
  listOrders,
  maxBuckets,
  outcomeReport,
  salesReport,
  type OrderSummary,
  type SalesPoint,
} from '../read-model/queries/index.js';

const MINUTE = 60_000;
/** The chart's window: this many minutes, the current (partial) one included. */
export const CHART_MINUTES = 30;
export const LATEST_ORDERS = 15;
const DAY = 86_400_000;

export interface Money {
  currency: string;
  minor: number;
}

export interface MinuteCounts {
  /** Start of the minute (ISO). Minutes without orders are absent: the page fills them with 0. */
  minute: string;
  placed: number;
  confirmed: number;
  cancelled: number;
}

/** Everything the dashboard shows, as one `snapshot` server-sent event. */
export interface DashboardSnapshot {
  generatedAt: string;
  /** The chart's range: `minutes` minutes from `from` (a minute start, ISO). */
  window: { from: string; minutes: number };
  /** Orders placed per minute, summed over currencies, oldest first. */
  ordersPerMinute: MinuteCounts[];
  /** Placed orders in the last 60 s (sliding, see `placedInLastMinute`), one decimal. */
  ordersPerMinuteNow: number;
  /** Revenue of confirmed orders, one entry per currency (by currency code). */
  revenue: { lastHour: Money[]; total: Money[] };
  outcomes: {
    orders: number;
    confirmed: number;
    cancelled: number;
    cancelledByReason: Record<string, number>;
    inFlight: number;
    /** confirmed / (confirmed + cancelled) × 100, one decimal; null before any order finished. */
    confirmedPct: number | null;
  };
  /** Saga duration (placed → confirmed or cancelled) over finished orders; null before any. */
  durationMs: { count: number; p50: number; p99: number } | null;
  latest: OrderSummary[];
}

const minuteStart = (ms: number): number => Math.floor(ms / MINUTE) * MINUTE;
const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

/**
 * Reads the serving generation once and builds the snapshot from B's query functions (the same
 * ones behind GET /sales, /outcomes and /orders), so the page and the API never disagree.
 */
export async function loadSnapshot(readModel: ReadModel, now: Date): Promise<DashboardSnapshot> {
  // One schema for every query of this snapshot: a rebuild may switch generations in between.
  const schema = readModel.schema();
  const { db } = readModel;
  const thisMinute = minuteStart(now.getTime());
  const end = new Date(thisMinute + MINUTE);
  const [hour, allTime, outcomes, latest] = await Promise.all([
    // Products are not shown: productLimit 0 keeps them out of the answer.
    salesReport(db, schema, {
      from: new Date(thisMinute - 59 * MINUTE),
      to: end,
      bucket: 'minute',
      productLimit: 0,
    }),
    // "All time": the longest range a report accepts in day buckets (about 27 years).
    salesReport(db, schema, {
      from: new Date(end.getTime() - (maxBuckets - 1) * DAY),
      to: end,
      bucket: 'day',
      productLimit: 0,
    }),
    outcomeReport(db, schema, {}),
    listOrders(db, schema, { limit: LATEST_ORDERS }),
  ]);
  const chartFrom = thisMinute - (CHART_MINUTES - 1) * MINUTE;
  const perMinute = countsPerMinute(hour.series).filter((m) => Date.parse(m.minute) >= chartFrom);
  const finished = outcomes.confirmed + outcomes.cancelled.total;
  return {
    generatedAt: now.toISOString(),
    window: { from: new Date(chartFrom).toISOString(), minutes: CHART_MINUTES },
    ordersPerMinute: perMinute,
    ordersPerMinuteNow: oneDecimal(placedInLastMinute(perMinute, now.getTime())),
    revenue: { lastHour: revenueByCurrency(hour.series), total: revenueByCurrency(allTime.series) },
    outcomes: {
      orders: outcomes.orders,
      confirmed: outcomes.confirmed,
      cancelled: outcomes.cancelled.total,
      cancelledByReason: { ...outcomes.cancelled.byReason },
      inFlight: outcomes.inFlight,
      confirmedPct: finished === 0 ? null : oneDecimal((outcomes.confirmed / finished) * 100),
    },
    durationMs:
      outcomes.durationMs === null
        ? null
        : { count: outcomes.durationMs.count, p50: outcomes.durationMs.p50, p99: outcomes.durationMs.p99 },
    latest: latest.items,
  };
}

type SalesBucket = Pick<
  SalesPoint,
  'start' | 'currency' | 'placed' | 'confirmed' | 'cancelled' | 'revenueMinor'
>;

/** The sales series has one bucket per (minute, currency): the chart counts orders, not money. */
export function countsPerMinute(series: readonly SalesBucket[]): MinuteCounts[] {
  const byMinute = new Map<string, MinuteCounts>();
  for (const bucket of series) {
    const minute = new Date(bucket.start).toISOString();
    const counts = byMinute.get(minute) ?? { minute, placed: 0, confirmed: 0, cancelled: 0 };
    counts.placed += bucket.placed;
    counts.confirmed += bucket.confirmed;
    counts.cancelled += bucket.cancelled;
    byMinute.set(minute, counts);
  }
  return [...byMinute.values()].sort((a, b) => a.minute.localeCompare(b.minute));
}

export function revenueByCurrency(series: readonly SalesBucket[]): Money[] {
  const totals = new Map<string, number>();
  for (const bucket of series)
    totals.set(bucket.currency, (totals.get(bucket.currency) ?? 0) + bucket.revenueMinor);
  return [...totals]
    .filter(([, minor]) => minor !== 0)
    .map(([currency, minor]) => ({ currency, minor }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

/**
 * Orders placed in the 60 s before `now`, from per-minute counts: all of the current minute plus
 * the share of the previous minute still inside the window (orders assumed spread evenly over
 * it). A true rate that neither waits for the minute to end nor drops to 0 when a new one starts.
 */
export function placedInLastMinute(perMinute: readonly MinuteCounts[], now: number): number {
  const current = minuteStart(now);
  const placedAt = (start: number): number =>
    perMinute.find((m) => Date.parse(m.minute) === start)?.placed ?? 0;
  const elapsed = (now - current) / MINUTE;
  return placedAt(current) + placedAt(current - MINUTE) * (1 - elapsed);
}
