/**
 * Observability end to end: the five services as OS processes, tracing to the stack's Jaeger and
 * scraped by its Prometheus. One order is one trace; the saga timeline tells the story in causal
 * order; a poison message fires the dead-letter alert; every panel of every Grafana dashboard
 * answers with data from the real Prometheus.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dashboardQueries } from '@acme/stack';
import { eventually } from '@acme/testing';
import { Kafka, logLevel } from 'kafkajs';
import { orderFor } from '../system/api.js';
import { systemWorld, type SystemWorld } from '../system/world.js';

const deadlineMs = 5_000;
let world: SystemWorld;

beforeAll(async () => {
  world = await systemWorld('observability', { order: { ORDER_DEADLINE_MS: String(deadlineMs) } });
}, 180_000);
afterAll(async () => {
  if ((world as SystemWorld | undefined) !== undefined) await world.close();
}, 120_000);

const sku = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

async function place(item: string, token = 'tok_ok') {
  const reply = await world.placeWhenKnown(orderFor(item, token));
  expect(reply.status).toBe(201);
  return reply.body.orderId;
}

interface TimelineEvent {
  type: string;
  service: string;
  eventId: string;
  causedBy: string | null;
  traceId: string | null;
}

/** The analytics timeline once it holds every one of `types`. */
async function timeline(orderId: string, types: readonly string[]): Promise<TimelineEvent[]> {
  return eventually(
    async () => {
      const { status, body } = await world.api.timeline(orderId);
      const events = (body.events ?? []) as TimelineEvent[];
      const seen = new Set(events.map((e) => e.type));
      return status === 200 && types.every((t) => seen.has(t)) ? events : undefined;
    },
    { timeoutMs: 30_000, description: `timeline of ${orderId} with ${types.join(', ')}` },
  );
}

interface JaegerSpan {
  spanID: string;
  operationName: string;
  processID: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function jaegerTrace(traceId: string): Promise<JaegerTrace | undefined> {
  const res = await fetch(`${world.stack.jaegerQueryUrl}/api/traces/${traceId}`);
  if (!res.ok) return undefined;
  const body = (await res.json()) as { data?: JaegerTrace[] };
  return body.data?.[0];
}

async function promQuery(
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const url = new URL('/api/v1/query', world.stack.prometheusUrl);
  url.searchParams.set('query', expr);
  const res = await fetch(url);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.statusText}`);
  return body.data?.resultType === 'vector' ? body.data.result : [];
}

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
}

async function firingAlerts(name: string): Promise<Alert[]> {
  const res = await fetch(new URL('/api/v1/alerts', world.stack.prometheusUrl));
  const body = (await res.json()) as { data: { alerts: Alert[] } };
  return body.data.alerts.filter((a) => a.labels.alertname === name && a.state === 'firing');
}

describe('tracing', () => {
  it('one order through the whole flow is one trace in Jaeger, with spans from all five services and consumer spans parented across Kafka', async () => {
    const item = sku('trace');
    await world.seed(item, 5);
    const orderId = await place(item);
    expect((await world.settled(orderId)).status).toBe('confirmed');
    const events = await timeline(orderId, ['com.acme.order.confirmed.v1']);
    const traceIds = new Set(events.map((e) => e.traceId));
    // Every event the placing request caused carries the same trace.
    expect(traceIds.size).toBe(1);
    const [traceId] = [...traceIds];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const services = ['order', 'inventory', 'payment', 'notification', 'analytics'];
    const trace = await eventually(
      async () => {
        const found = await jaegerTrace(String(traceId));
        if (!found) return undefined;
        const present = new Set(found.spans.map((s) => found.processes[s.processID]?.serviceName));
        // The last hop (order.confirmed → notification, analytics) is exported within seconds.
        const consumers = found.spans.filter((s) => s.operationName.startsWith('process '));
        return services.every((s) => present.has(s)) && consumers.length >= 8 ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: `trace ${String(traceId)} with all five services` },
    );

    const byId = new Map(trace.spans.map((s) => [s.spanID, s]));
    const serviceOf = (span: JaegerSpan | undefined) =>
      span ? trace.processes[span.processID]?.serviceName : undefined;
    const [root, ...others] = trace.spans.filter((s) => s.references.length === 0);
    expect(others).toEqual([]);
    expect(root).toMatchObject({ operationName: 'POST /orders' });
    expect(serviceOf(root)).toBe('order');

    const consumers = trace.spans.filter((s) => s.operationName.startsWith('process '));
    expect(new Set(consumers.map(serviceOf))).toEqual(new Set(services));
    for (const consumer of consumers) {
      const parent = consumer.references.find((r) => r.refType === 'CHILD_OF');
      const link = consumer.references.find((r) => r.refType === 'FOLLOWS_FROM');
      // Parented across Kafka: the span that wrote the outbox row, in the service that published…
      expect(parent?.traceID).toBe(traceId);
      const publisher = byId.get(String(parent?.spanID));
      expect(publisher).toBeDefined();
      // …and linked to the relay's send of that very message, a sibling under the same parent.
      const send = byId.get(String(link?.spanID));
      expect(send?.operationName).toBe(consumer.operationName.replace(/^process /, 'send '));
      expect(send?.references.find((r) => r.refType === 'CHILD_OF')?.spanID).toBe(parent?.spanID);
      expect(serviceOf(send)).toBe(serviceOf(publisher));
      expect(serviceOf(publisher)).not.toBe(serviceOf(consumer));
    }
  });

  it('service logs carry the trace id and the correlation id of what they are about', async () => {
    const item = sku('logs');
    await world.seed(item, 1);
    const orderId = await place(item);
    const events = await timeline(orderId, ['com.acme.order.confirmed.v1']);
    const traceId = String(events[0]?.traceId);
    // The order service logs its request with both ids.
    const lines = await eventually(
      async () => {
        const text = await readFile(world.system.services.order.logFile, 'utf8');
        const found = text
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((line) => line.traceId === traceId);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 10_000, description: `order log lines of trace ${traceId}` },
    );
    expect(lines.some((l) => typeof l.correlationId === 'string' && l.correlationId.length > 0)).toBe(true);
  });
});

describe('the saga timeline', () => {
  it('of an order cancelled after payment: placed → reserved → charged → cancelled → released and refunded, in causal order, each from its service', async () => {
    const item = sku('timeline');
    await world.seed(item, 3);
    const orderId = await place(item);
    expect((await world.settled(orderId)).status).toBe('confirmed');
    expect((await world.api.cancel(orderId)).status).toBeLessThan(300);
    const events = await timeline(orderId, [
      'com.acme.inventory.stock-released.v1',
      'com.acme.payment.refunded.v1',
    ]);
    const steps = events.map((e) => [e.type.replace(/^com\.acme\./, ''), e.service]);
    expect(steps.slice(0, 5)).toEqual([
      ['order.placed.v2', 'order'],
      ['inventory.stock-reserved.v1', 'inventory'],
      ['payment.charged.v1', 'payment'],
      ['order.confirmed.v1', 'order'],
      ['order.cancelled.v1', 'order'],
    ]);
    // The two compensations both follow the cancellation, in either order.
    expect(new Set(steps.slice(5).map((s) => s.join(' by ')))).toEqual(
      new Set(['inventory.stock-released.v1 by inventory', 'payment.refunded.v1 by payment']),
    );
    const cancelled = events[4];
    for (const compensation of events.slice(5)) expect(compensation.causedBy).toBe(cancelled?.eventId);
    for (let i = 1; i < 4; i++) expect(events[i]?.causedBy).toBe(events[i - 1]?.eventId);
  });
});

describe('alerts', () => {
  it('a poison message on a topic fires DeadLetterQueueNotEmpty in Prometheus', async () => {
    const ours = (alerts: Alert[]) =>
      alerts.filter((a) => a.labels.group?.startsWith(world.system.topicPrefix));
    expect(ours(await firingAlerts('DeadLetterQueueNotEmpty'))).toEqual([]);

    const kafka = new Kafka({ brokers: world.stack.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      // A well-formed envelope around a value that is not the wire format: routed, then undecodable.
      const orderId = randomUUID();
      await producer.send({
        topic: `${world.system.topicPrefix}payment.events`,
        messages: [
          {
            key: orderId,
            value: Buffer.from('not avro, not even the wire format'),
            headers: {
              ce_id: randomUUID(),
              ce_source: '/acme/payment',
              ce_type: 'com.acme.payment.charged.v1',
              ce_specversion: '1.0',
              ce_time: new Date().toISOString(),
              ce_subject: orderId,
              correlationid: orderId,
              causationid: orderId,
            },
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    // The order service subscribes to payment.charged: it parks the message, and its alert fires.
    const firing = await eventually(
      async () => {
        const alerts = ours(await firingAlerts('DeadLetterQueueNotEmpty'));
        return alerts.some((a) => a.labels.service === 'order') ? alerts : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'DeadLetterQueueNotEmpty firing for order' },
    );
    // Only consumers of payment.events hold it; nobody else's dead-letter queue filled up.
    for (const alert of firing)
      expect(['order', 'notification', 'analytics']).toContain(alert.labels.service);
    const parked = await world.db('order').selectFrom('dead_letters').select(['reason', 'status']).execute();
    expect(parked).toEqual([expect.objectContaining({ status: 'parked' })]);
  });
});

describe('Grafana dashboards', () => {
  it('every panel query of every dashboard returns data from the real Prometheus', async () => {
    // Each outcome the dashboards break down: confirmed, every cancellation reason, a timeout.
    const item = sku('dash');
    await world.seed(item, 40);
    const scarce = sku('scarce');
    await world.seed(scarce, 1);
    const placed = await Promise.all([
      place(item),
      place(item, 'tok_decline'),
      place(item, 'tok_async'), // no webhook: cancelled at the deadline
      place(scarce),
    ]);
    const toCancel = await place(item);
    await world.api.cancel(toCancel);
    await Promise.all(
      [...placed, toCancel].map((id) => world.settled(id, ['confirmed', 'cancelled'], deadlineMs + 30_000)),
    );

    // Rates need fresh samples: keep a trickle of orders flowing while the panels are checked.
    const flowing = new AbortController();
    const trickle = (async () => {
      while (!flowing.signal.aborted) {
        await world.api.placeOrder(orderFor(item, Math.random() < 0.8 ? 'tok_ok' : 'tok_decline'));
        // Pacing the load (4 orders/s), not waiting for anything.
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    try {
      const queries = dashboardQueries();
      expect(queries.length).toBeGreaterThan(20);
      let empty: string[] = [];
      await eventually(
        async () => {
          const results = await Promise.all(
            queries.map(async (q) => {
              const result = await promQuery(q.expr);
              const data = result.some((r) => Number.isFinite(Number(r.value[1])));
              return data ? undefined : `${q.dashboard} › ${q.panel} (${q.refId}): ${q.expr}`;
            }),
          );
          empty = results.filter((r): r is string => r !== undefined);
          return empty.length === 0 ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 2_000, description: 'every dashboard query answered' },
      ).catch(() => undefined);
      expect(empty).toEqual([]);
    } finally {
      flowing.abort();
      await trickle;
    }
  });
});
