import {
  evolve,
  initialOrderState,
  orderDecider,
  orderEventTypes,
  orderStreamId,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '../../src/domain/index.js';
import {
  at,
  cancelOrder,
  confirmed,
  customer,
  deadlineAt,
  expireOrder,
  lines,
  orderId,
  placed,
  placeOrder,
  recordPaymentCharged,
  recordPaymentFailed,
  recordStockInsufficient,
  recordStockReserved,
  shipOrder,
  shipped,
  stockReserved,
  t0,
  totalMinor,
} from './fixtures.js';

const fold = (events: readonly OrderEvent[]): OrderState => events.reduce(evolve, initialOrderState());

/** Runs commands the way the application does: decide on the current state, then evolve. */
function run(commands: readonly OrderCommand[]): { state: OrderState; events: OrderEvent[] } {
  let state = orderDecider.initialState();
  const events: OrderEvent[] = [];
  for (const command of commands) {
    for (const event of orderDecider.decide(command, state)) {
      events.push(event);
      state = orderDecider.evolve(state, event);
    }
  }
  return { state, events };
}

describe('order state (what GET /orders/:id shows)', () => {
  it('starts with no order', () => {
    expect(initialOrderState()).toEqual({ status: 'none' });
  });

  it('holds the whole placed order', () => {
    expect(fold(placed)).toEqual({
      status: 'placed',
      orderId,
      customer,
      lines,
      currency: 'EUR',
      totalMinor,
      paymentToken: 'tok_ok',
      placedAt: t0,
      deadlineAt,
      reservedAt: null,
      payment: null,
      confirmedAt: null,
      cancellation: null,
      shippedAt: null,
      unappliedPayments: [],
      updatedAt: t0,
    });
  });

  it('tracks reservation, payment, confirmation and shipping times', () => {
    expect(fold(shipped)).toMatchObject({
      status: 'shipped',
      reservedAt: at(1),
      payment: { paymentId: 'pay-1', amountMinor: totalMinor, currency: 'EUR', chargedAt: at(2) },
      confirmedAt: at(2),
      shippedAt: at(3),
      cancellation: null,
      updatedAt: at(3),
    });
  });

  it('ignores anything but OrderPlaced on an empty stream (decide never produces it)', () => {
    expect(fold([stockReserved(at(1))])).toEqual({ status: 'none' });
  });

  it('survives JSON, so it can be snapshotted', () => {
    const state = run([
      placeOrder(),
      recordStockReserved(at(1)),
      cancelOrder(at(2)),
      recordPaymentCharged(at(3)),
    ]).state;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('order stories', () => {
  it('happy path: placed → reserved → charged → confirmed → shipped', () => {
    const { state, events } = run([
      placeOrder(),
      recordStockReserved(at(1)),
      recordPaymentCharged(at(2)),
      shipOrder(at(3)),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'OrderPlaced',
      'StockReserved',
      'PaymentCharged',
      'OrderConfirmed',
      'OrderShipped',
    ]);
    expect(state).toEqual(fold(shipped));
  });

  it('ends confirmed whichever of reservation and charge arrives first, each delivered twice', () => {
    const reservedFirst = run([
      placeOrder(),
      recordStockReserved(at(1)),
      recordStockReserved(at(1)),
      recordPaymentCharged(at(2)),
      recordPaymentCharged(at(2)),
    ]);
    const chargedFirst = run([
      placeOrder(),
      recordPaymentCharged(at(1)),
      recordPaymentCharged(at(1)),
      recordStockReserved(at(2)),
      recordStockReserved(at(2)),
    ]);
    for (const { state, events } of [reservedFirst, chargedFirst]) {
      expect(state).toMatchObject({
        status: 'confirmed',
        confirmedAt: at(2),
        payment: { paymentId: 'pay-1' },
      });
      expect(events.filter((e) => e.type === 'OrderConfirmed')).toHaveLength(1);
    }
    expect(reservedFirst.state).toEqual(fold(confirmed));
  });

  it('timeout, then the late charge: cancelled (timeout) with the charge on record for the refund', () => {
    const { state } = run([
      placeOrder(),
      recordStockReserved(at(1)),
      expireOrder(deadlineAt),
      recordPaymentCharged(at(16)),
      recordPaymentCharged(at(17)),
      recordStockReserved(at(17)),
      expireOrder(at(18)),
    ]);
    expect(state).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: 'timeout', cancelledAt: deadlineAt },
      payment: null,
      unappliedPayments: [
        {
          paymentId: 'pay-1',
          amountMinor: totalMinor,
          currency: 'EUR',
          receivedAt: at(16),
          why: 'after-cancellation',
        },
      ],
      updatedAt: at(16),
    });
  });

  it.each<[string, OrderCommand, string]>([
    [
      'stock-insufficient',
      recordStockInsufficient([{ sku: 'SKU-1', requested: 2, available: 0 }], at(1)),
      'SKU-1',
    ],
    ['payment-failed', recordPaymentFailed(at(1)), 'card_declined'],
    ['customer-request', cancelOrder(at(1)), ''],
  ])('cancellation (%s) is terminal: later facts change nothing', (reason, cause, detail) => {
    const { state, events } = run([
      placeOrder(),
      cause,
      recordStockReserved(at(2)),
      recordPaymentFailed(at(3)),
      cancelOrder(at(4)),
      expireOrder(at(30)),
    ]);
    expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(state).toMatchObject({ status: 'cancelled', cancellation: { reason, cancelledAt: at(1) } });
    if (state.status !== 'none') expect(state.cancellation?.detail ?? '').toContain(detail);
  });
});

describe('orderDecider', () => {
  it('names its stream type and streams', () => {
    expect(orderDecider.streamType).toBe('order');
    expect(orderStreamId('42')).toBe('order-42');
  });

  it('knows every event type decide can produce', () => {
    expect([...orderEventTypes].sort()).toEqual(
      [
        'AdditionalPaymentReceived',
        'OrderCancelled',
        'OrderConfirmed',
        'OrderPlaced',
        'OrderShipped',
        'PaymentCharged',
        'PaymentReceivedAfterCancellation',
        'StockReserved',
      ].sort(),
    );
    expect(orderDecider.eventTypes).toBe(orderEventTypes);
  });
});
