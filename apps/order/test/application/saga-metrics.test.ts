import 'reflect-metadata';
import { Registry } from '@acme/service';
import { SagaMetrics, sagaEndings } from '../../src/application/saga-metrics.js';
import {
  evolve,
  initialOrderState,
  orderDecider,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '../../src/domain/index.js';
import {
  at,
  cancelOrder,
  confirmed,
  deadlineAt,
  expireOrder,
  orderCancelled,
  orderConfirmed,
  orderPlaced,
  paidBeforeReserved,
  paymentCharged,
  placed,
  recordPaymentCharged,
  recordPaymentFailed,
  recordStockInsufficient,
  recordStockReserved,
  reserved,
  shipOrder,
  timedOut,
} from '../domain/fixtures.js';

const fold = (events: readonly OrderEvent[]): OrderState => events.reduce(evolve, initialOrderState());

/** Given a history, when a command: the sagas the decided events end. */
function endingsOf(history: readonly OrderEvent[], command: OrderCommand) {
  const before = fold(history);
  return sagaEndings(before, orderDecider.decide(command, before));
}

describe('the saga outcome of a command', () => {
  it.each([
    ['the charge completes a reserved order', reserved, recordPaymentCharged(at(2))],
    ['the reservation completes a paid order', paidBeforeReserved, recordStockReserved(at(2))],
  ])('confirmed when %s, timed from placement', (_, history, command) => {
    expect(endingsOf(history, command)).toEqual([{ outcome: 'confirmed', reason: 'none', seconds: 120 }]);
  });

  it.each([
    [
      'stock-insufficient',
      placed,
      recordStockInsufficient([{ sku: 'SKU-1', requested: 2, available: 1 }], at(1)),
      60,
    ],
    ['payment-failed', reserved, recordPaymentFailed(at(3)), 180],
    ['customer-request', reserved, cancelOrder(at(4)), 240],
    ['timeout', placed, expireOrder(deadlineAt), 15 * 60],
  ] as const)('cancelled with reason %s', (reason, history, command, seconds) => {
    expect(endingsOf(history, command)).toEqual([{ outcome: 'cancelled', reason, seconds }]);
  });

  it('is none when the order goes on waiting, ships, or learns of a late charge', () => {
    expect(endingsOf(placed, recordStockReserved(at(1)))).toEqual([]);
    expect(endingsOf(confirmed, shipOrder(at(3)))).toEqual([]);
    expect(endingsOf(timedOut, recordPaymentCharged(at(20)))).toEqual([]);
  });

  it('is none for a confirmed order the customer cancels: its saga ended when it was confirmed', () => {
    expect(endingsOf(confirmed, cancelOrder(at(3)))).toEqual([]);
  });

  it('counts an order placed and ended by the same events', () => {
    const events = [orderPlaced(), orderCancelled('customer-request', null, at(1))];
    expect(sagaEndings(initialOrderState(), events)).toEqual([
      { outcome: 'cancelled', reason: 'customer-request', seconds: 60 },
    ]);
  });

  it('never measures a negative duration (clocks of two instances apart)', () => {
    const early = [orderCancelled('payment-failed', 'declined', at(-0.01))];
    expect(sagaEndings(fold(placed), early)).toEqual([
      { outcome: 'cancelled', reason: 'payment-failed', seconds: 0 },
    ]);
  });
});

describe('SagaMetrics', () => {
  /** A histogram's values name their series (`_bucket`, `_sum`, `_count`); prom-client's types omit it. */
  interface Sample {
    value: number;
    labels: Partial<Record<string, string | number>>;
    metricName?: string;
  }
  const values = async (registry: Registry, name: string): Promise<readonly Sample[]> =>
    (await registry.getSingleMetric(name)?.get())?.values ?? [];

  it('shows every outcome and reason at 0 before any saga ends', async () => {
    const registry = new Registry();
    new SagaMetrics(registry);
    const outcomes = await values(registry, 'saga_outcomes_total');
    expect(outcomes.map(({ labels, value }) => ({ ...labels, value }))).toEqual(
      expect.arrayContaining([
        { outcome: 'confirmed', reason: 'none', value: 0 },
        { outcome: 'cancelled', reason: 'stock-insufficient', value: 0 },
        { outcome: 'cancelled', reason: 'payment-failed', value: 0 },
        { outcome: 'cancelled', reason: 'customer-request', value: 0 },
        { outcome: 'cancelled', reason: 'timeout', value: 0 },
      ]),
    );
    expect(outcomes).toHaveLength(5);
    const counts = (await values(registry, 'saga_duration_seconds')).filter(
      ({ metricName }) => metricName === 'saga_duration_seconds_count',
    );
    expect(counts.map(({ labels, value }) => ({ ...labels, value }))).toEqual([
      { outcome: 'confirmed', value: 0 },
      { outcome: 'cancelled', value: 0 },
    ]);
  });

  it('counts the outcome and observes the duration of each saga the events end', async () => {
    const registry = new Registry();
    const metrics = new SagaMetrics(registry);
    metrics.observe(fold(reserved), [paymentCharged(at(2)), orderConfirmed(at(2))]);
    metrics.observe(fold(placed), [orderCancelled('timeout', 'late', deadlineAt)]);
    metrics.observe(fold(confirmed), [orderCancelled('customer-request', null, at(3))]);

    const outcome = async (labels: Record<string, string>) =>
      (await values(registry, 'saga_outcomes_total')).find(
        (v) => v.labels.outcome === labels.outcome && v.labels.reason === labels.reason,
      )?.value;
    expect(await outcome({ outcome: 'confirmed', reason: 'none' })).toBe(1);
    expect(await outcome({ outcome: 'cancelled', reason: 'timeout' })).toBe(1);
    expect(await outcome({ outcome: 'cancelled', reason: 'customer-request' })).toBe(0);

    const durations = await values(registry, 'saga_duration_seconds');
    const sample = (metricName: string, outcomeLabel: string, le?: number) =>
      durations.find(
        (v) =>
          v.metricName === metricName &&
          v.labels.outcome === outcomeLabel &&
          (le === undefined || v.labels.le === le),
      )?.value;
    expect(sample('saga_duration_seconds_sum', 'confirmed')).toBe(120);
    expect(sample('saga_duration_seconds_bucket', 'confirmed', 120)).toBe(1);
    expect(sample('saga_duration_seconds_bucket', 'confirmed', 60)).toBe(0);
    expect(sample('saga_duration_seconds_sum', 'cancelled')).toBe(15 * 60);
  });

  it('shares its metrics with another instance on the same registry (one per app, several apps)', () => {
    const registry = new Registry();
    new SagaMetrics(registry);
    expect(() => new SagaMetrics(registry)).not.toThrow();
  });
});
