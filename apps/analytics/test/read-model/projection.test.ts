import type { InboundEvent } from '@acme/messaging';
import { connect } from '@acme/postgres';
import { scratchDatabase, testStack, type ScratchDatabase } from '@acme/testing';
import { sql, type Kysely } from 'kysely';
import { analyticsProjection } from '../../src/read-model/projection.js';
import {
  decodeCursor,
  getOrder,
  getTimeline,
  listOrders,
  outcomeReport,
  salesReport,
} from '../../src/read-model/queries/index.js';
import type { AnalyticsDatabase } from '../../src/read-model/tables.js';
import { base, lifecycle, total } from './fixtures.js';

jest.setTimeout(60_000);

let scratch: ScratchDatabase;
let db: Kysely<AnalyticsDatabase>;
let generations = 0;

beforeAll(async () => {
  scratch = await scratchDatabase(testStack(), 'analytics_rm');
  db = connect<AnalyticsDatabase>({ url: scratch.url, max: 4 });
});

afterAll(async () => {
  await db.destroy();
  await scratch.drop();
});

async function generation(): Promise<string> {
  const schema = `analytics_g${++generations}`;
  await db.transaction().execute(async (tx) => {
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(tx);
    await analyticsProjection.createTables(tx, schema);
  });
  return schema;
}

const handlerOf = (schema: string) => {
  const handlers = new Map(analyticsProjection.handlers(schema).map((h) => [h.type, h]));
  return (type: string) => {
    const handler = handlers.get(type);
    if (!handler) throw new Error(`no handler for ${type}`);
    return handler;
  };
};

/** As the runtime batches: runs of consecutive events of one type to handleBatch, one transaction. */
async function feedBatched(schema: string, events: readonly InboundEvent[]): Promise<void> {
  const handler = handlerOf(schema);
  await db.transaction().execute(async (tx) => {
    let run: InboundEvent[] = [];
    const flush = async () => {
      const [first] = run;
      if (first) await handler(first.type).handleBatch?.(run as InboundEvent<never>[], tx);
      run = [];
    };
    for (const event of events) {
      if (run[0] && run[0].type !== event.type) await flush();
      run.push(event);
    }
    await flush();
  });
}

/** One transaction per event through `handle`. */
async function feedOneByOne(schema: string, events: readonly InboundEvent[]): Promise<void> {
  const handler = handlerOf(schema);
  for (const event of events)
    await db.transaction().execute((tx) => handler(event.type).handle(event as InboundEvent<never>, tx));
}

/** Every row of a generation, as text, in a stable order. */
async function dump(schema: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, key] of [
    ['order_view', 'order_id'],
    ['order_events', 'event_id'],
    ['sales_by_minute', 'minute, currency'],
    ['product_sales_by_minute', 'minute, sku, currency'],
  ] as const) {
    const { rows } = await sql<{ row: string }>`
      SELECT t::text AS row FROM ${sql.id(schema, table)} t ORDER BY ${sql.raw(key)}`.execute(db);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

const byTime = (events: InboundEvent[]) =>
  [...events].sort((a, b) => Date.parse(a.envelope.time) - Date.parse(b.envelope.time));

// Four orders, one per ending; the last one placed in the next minute by another customer.
const events = byTime([
  ...lifecycle('ord-1', 'shipped'),
  ...lifecycle('ord-2', 'stock', base + 1_000),
  ...lifecycle('ord-3', 'payment', base + 2_000),
  ...lifecycle('ord-4', 'customer-after-confirm', base + 61_000, 'cust-2'),
]);

describe('analytics projection', () => {
  let inOrder: string;

  beforeAll(async () => {
    inOrder = await generation();
    await feedBatched(inOrder, events);
  });

  it('keeps one row per order with every fact and the write side status', async () => {
    const rows = await db
      .withSchema(inOrder)
      .selectFrom('order_view')
      .selectAll()
      .orderBy('order_id')
      .execute();
    expect(rows.map((r) => [r.order_id, r.status, r.cancel_reason, r.event_count])).toEqual([
      ['ord-1', 'shipped', null, 5],
      ['ord-2', 'cancelled', 'STOCK_INSUFFICIENT', 3],
      ['ord-3', 'cancelled', 'PAYMENT_FAILED', 5],
      ['ord-4', 'cancelled', 'CUSTOMER_REQUEST', 8],
    ]);
    const [one, , three, four] = rows;
    expect(one).toMatchObject({
      customer_id: 'cust-1',
      customer_email: 'cust-1@example.test',
      customer_name: 'Ada',
      currency: 'EUR',
      lines: [
        { sku: 'sku-a', quantity: 2, unitPriceMinor: 1000 },
        { sku: 'sku-b', quantity: 1, unitPriceMinor: 500 },
      ],
      placed_at: new Date(base),
      deadline_at: new Date(base + 60_000),
      reserved_at: new Date(base + 100),
      payment_id: 'pay-ord-1',
      charged_at: new Date(base + 200),
      confirmed_at: new Date(base + 300),
      terminal_at: new Date(base + 300),
      shipped_at: new Date(base + 90_000),
      last_event_at: new Date(base + 90_000),
    });
    expect(Number(one?.total_minor)).toBe(total);
    expect(Number(one?.charged_minor)).toBe(total);
    expect(three).toMatchObject({ payment_failure_code: 'card_declined', cancel_detail: 'declined' });
    // Two partial refunds of one batch add up; the refund time is the last one.
    expect(Number(four?.refunded_minor)).toBe(total);
    expect(four?.refunded_at).toEqual(new Date(base + 61_000 + 120_300));
    expect(four?.terminal_at).toEqual(new Date(base + 61_000 + 300));
  });

  it('keeps the timeline without the payment token', async () => {
    const placed = await db
      .withSchema(inOrder)
      .selectFrom('order_events')
      .selectAll()
      .where('type', '=', 'com.acme.order.placed.v2')
      .where('order_id', '=', 'ord-1')
      .executeTakeFirstOrThrow();
    expect(placed).toMatchObject({
      source: '/acme/order',
      topic: 'order.events',
      occurred_at: new Date(base),
    });
    expect(placed.data).not.toHaveProperty('paymentToken');
    expect(placed.data).toMatchObject({ orderId: 'ord-1', totalMinor: total });
    const count = await db
      .withSchema(inOrder)
      .selectFrom('order_events')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(events.length);
  });

  it('counts sales per minute of the events own time, and confirmed lines per product', async () => {
    const sales = await db
      .withSchema(inOrder)
      .selectFrom('sales_by_minute')
      .selectAll()
      .orderBy('minute')
      .execute();
    const minute = (offset: number) => new Date(Math.floor((base + offset) / 60_000) * 60_000);
    expect(
      sales.map((s) => ({
        ...s,
        placed_minor: Number(s.placed_minor),
        revenue_minor: Number(s.revenue_minor),
        refunded_minor: Number(s.refunded_minor),
      })),
    ).toEqual([
      // ord-1..3 placed, ord-1 confirmed, ord-2/3 cancelled
      {
        minute: minute(0),
        currency: 'EUR',
        placed: 3,
        placed_minor: 3 * total,
        confirmed: 1,
        revenue_minor: total,
        cancelled: 2,
        refunded_minor: 0,
      },
      // ord-4 placed and confirmed
      {
        minute: minute(61_000),
        currency: 'EUR',
        placed: 1,
        placed_minor: total,
        confirmed: 1,
        revenue_minor: total,
        cancelled: 0,
        refunded_minor: 0,
      },
      // ord-4 cancelled by the customer and refunded (two parts)
      {
        minute: minute(181_000),
        currency: 'EUR',
        placed: 0,
        placed_minor: 0,
        confirmed: 0,
        revenue_minor: 0,
        cancelled: 1,
        refunded_minor: total,
      },
    ]);
    const products = await db
      .withSchema(inOrder)
      .selectFrom('product_sales_by_minute')
      .selectAll()
      .orderBy('minute')
      .orderBy('sku')
      .execute();
    expect(products.map((p) => [p.minute, p.sku, p.units, Number(p.revenue_minor), p.orders])).toEqual([
      [minute(0), 'sku-a', 2, 2000, 1],
      [minute(0), 'sku-b', 1, 500, 1],
      [minute(61_000), 'sku-a', 2, 2000, 1],
      [minute(61_000), 'sku-b', 1, 500, 1],
    ]);
  });

  it('gives the same rows whatever order the topics are read in, batched or one by one', async () => {
    const expected = await dump(inOrder);
    // Topics one after another (each in its own order): payment and inventory replies before OrderPlaced.
    const topicByTopic = ['payment.events', 'inventory.events', 'order.events'].flatMap((t) =>
      events.filter((e) => e.topic === t),
    );
    const byTopic = await generation();
    await feedBatched(byTopic, topicByTopic);
    expect(await dump(byTopic)).toEqual(expected);
    // Everything reversed, even within a topic (confirmations before placements), one by one.
    const reversed = await generation();
    await feedOneByOne(reversed, [...events].reverse());
    expect(await dump(reversed)).toEqual(expected);
    // One mixed batch of every type, reversed (what a runtime grouping by handleBatch would pass).
    const mixed = await generation();
    const [handler] = analyticsProjection.handlers(mixed);
    await db
      .transaction()
      .execute(
        (tx) =>
          handler?.handleBatch?.([...events].reverse() as InboundEvent<never>[], tx) ?? Promise.resolve(),
      );
    expect(await dump(mixed)).toEqual(expected);
  });

  it('creates a row from replies that arrive before OrderPlaced, status unknown until then', async () => {
    const schema = await generation();
    const [placed, reserved, charged] = lifecycle('ord-early', 'shipped');
    if (!placed || !reserved || !charged) throw new Error('fixture');
    await feedOneByOne(schema, [charged, reserved]);
    expect(await getOrder(db, schema, 'ord-early')).toMatchObject({
      status: 'unknown',
      placedAt: null,
      eventCount: 2,
    });
    expect((await listOrders(db, schema, { limit: 10 })).items).toEqual([]);
    await feedOneByOne(schema, [placed]);
    expect(await getOrder(db, schema, 'ord-early')).toMatchObject({
      status: 'reserved',
      totalMinor: total,
      eventCount: 3,
    });
  });

  it('changes nothing when an event comes again (batched or not)', async () => {
    const schema = await generation();
    await feedBatched(schema, events);
    const before = await dump(schema);
    await feedBatched(schema, events.slice(0, 10));
    await feedOneByOne(schema, events.slice(-5));
    expect(await dump(schema)).toEqual(before);
  });

  describe('queries', () => {
    it('lists orders newest first, filtered and cursor-paged', async () => {
      const first = await listOrders(db, inOrder, { limit: 3 });
      expect(first.items.map((o) => o.orderId)).toEqual(['ord-4', 'ord-3', 'ord-2']);
      expect(first.items[0]).toEqual({
        orderId: 'ord-4',
        customerId: 'cust-2',
        status: 'cancelled',
        currency: 'EUR',
        totalMinor: total,
        placedAt: new Date(base + 61_000).toISOString(),
        terminalAt: new Date(base + 61_300).toISOString(),
        cancelReason: 'CUSTOMER_REQUEST',
      });
      const cursor = first.nextCursor === null ? undefined : decodeCursor(first.nextCursor);
      expect(cursor).toBeDefined();
      const second = await listOrders(db, inOrder, { limit: 3, cursor });
      expect(second).toEqual({ items: [expect.objectContaining({ orderId: 'ord-1' })], nextCursor: null });

      const filtered = async (o: Parameters<typeof listOrders>[2]) =>
        (await listOrders(db, inOrder, o)).items.map((i) => i.orderId);
      expect(await filtered({ limit: 10, status: 'cancelled', customerId: 'cust-1' })).toEqual([
        'ord-3',
        'ord-2',
      ]);
      expect(await filtered({ limit: 10, status: 'shipped' })).toEqual(['ord-1']);
      expect(
        await filtered({ limit: 10, from: new Date(base + 1_000), to: new Date(base + 61_000) }),
      ).toEqual(['ord-3', 'ord-2']);
    });

    it('gives an order in full, and undefined for an unknown one', async () => {
      expect(await getOrder(db, inOrder, 'nope')).toBeUndefined();
      expect(await getOrder(db, inOrder, 'ord-3')).toMatchObject({
        orderId: 'ord-3',
        status: 'cancelled',
        customer: { id: 'cust-1', email: 'cust-1@example.test', name: 'Ada' },
        totalMinor: total,
        stock: {
          reservedAt: new Date(base + 2_100).toISOString(),
          releasedAt: new Date(base + 2_400).toISOString(),
        },
        payment: {
          failureCode: 'card_declined',
          failedAt: new Date(base + 2_200).toISOString(),
          chargedAt: null,
        },
        cancellation: {
          at: new Date(base + 2_300).toISOString(),
          reason: 'PAYMENT_FAILED',
          detail: 'declined',
        },
        durationMs: 300,
        eventCount: 5,
      });
    });

    it('gives the timeline in causal order with hop times and trace links', async () => {
      expect(await getTimeline(db, inOrder, 'nope')).toBeUndefined();
      const timeline = await getTimeline(db, inOrder, 'ord-1', {
        traceUrl: (id) => `http://jaeger/trace/${id}`,
      });
      expect(timeline?.correlationIds).toEqual(['corr-ord-1']);
      const rows = timeline?.events ?? [];
      expect(
        rows.map((e) => [e.service, e.type.split('.').slice(2).join('.'), e.sincePlacedMs, e.sinceCauseMs]),
      ).toEqual([
        ['order', 'order.placed.v2', 0, null],
        ['inventory', 'inventory.stock-reserved.v1', 100, 100],
        ['payment', 'payment.charged.v1', 200, 100],
        ['order', 'order.confirmed.v1', 300, 100],
        ['order', 'order.shipped.v1', 90_000, 89_700],
      ]);
      expect(rows[1]?.causedBy).toBe(rows[0]?.eventId);
      expect(rows[0]?.causedBy).toBeNull();
      expect(rows[0]?.traceUrl).toBe(`http://jaeger/trace/${rows[0]?.traceId ?? ''}`);
    });

    it('reports sales per bucket and the best products of the range', async () => {
      const report = await salesReport(db, inOrder, {
        from: new Date(base - 3_600_000),
        to: new Date(base + 3_600_000),
        bucket: 'hour',
      });
      expect(report.series).toEqual([
        {
          start: new Date(base).toISOString(),
          currency: 'EUR',
          placed: 4,
          confirmed: 2,
          cancelled: 3,
          revenueMinor: 2 * total,
          refundedMinor: total,
          netMinor: total,
        },
      ]);
      expect(report.products).toEqual([
        { sku: 'sku-a', currency: 'EUR', units: 4, revenueMinor: 4000, orders: 2 },
        { sku: 'sku-b', currency: 'EUR', units: 2, revenueMinor: 1000, orders: 2 },
      ]);
      const minutes = await salesReport(db, inOrder, {
        from: new Date(base),
        to: new Date(base + 120_000),
        bucket: 'minute',
        currency: 'EUR',
      });
      expect(minutes.series.map((p) => [p.start, p.placed])).toEqual([
        [new Date(base).toISOString(), 3],
        [new Date(base + 60_000).toISOString(), 1],
      ]);
      const none = await salesReport(db, inOrder, {
        from: new Date(base),
        to: new Date(base + 120_000),
        bucket: 'day',
        currency: 'USD',
      });
      expect(none).toMatchObject({ series: [], products: [] });
    });

    it('reports outcomes by status and reason with saga durations', async () => {
      expect(await outcomeReport(db, inOrder)).toEqual({
        orders: 4,
        byStatus: { placed: 0, reserved: 0, confirmed: 0, shipped: 1, cancelled: 3, unknown: 0 },
        confirmed: 1,
        cancelled: {
          total: 3,
          byReason: { STOCK_INSUFFICIENT: 1, PAYMENT_FAILED: 1, CUSTOMER_REQUEST: 1, TIMEOUT: 0, OTHER: 0 },
        },
        inFlight: 0,
        durationMs: { count: 4, p50: 300, p90: 300, p99: 300, max: 300 },
      });
      const early = await outcomeReport(db, inOrder, {
        from: new Date(base + 1_000),
        to: new Date(base + 2_001),
      });
      expect(early).toMatchObject({ orders: 2, durationMs: { count: 2, p50: 250, max: 300 } });
    });
  });
});
