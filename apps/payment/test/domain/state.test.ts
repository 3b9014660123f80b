import {
  evolvePayment,
  initialPaymentState,
  nextProviderCall,
  paymentDecider,
  paymentStreamId,
  type PaymentEvent,
  type PaymentState,
} from '../../src/domain/index.js';
import {
  AMOUNT,
  CURRENCY,
  ev,
  histories,
  NOW,
  ORDER_ID,
  PAYMENT_ID,
  PROVIDER_PAYMENT_ID,
  rows,
  TOKEN,
} from './fixtures.js';

const fold = (events: readonly PaymentEvent[]): PaymentState =>
  events.reduce(evolvePayment, paymentDecider.initialState());

describe('payment state', () => {
  it('starts with nothing known', () => {
    expect(initialPaymentState()).toEqual({ order: null, charge: { status: 'none' }, cancellation: null });
  });

  it('follows the charge through to the refund', () => {
    expect(fold(histories.refunded)).toEqual({
      order: { orderId: ORDER_ID, amountMinor: AMOUNT, currency: CURRENCY, paymentToken: TOKEN },
      charge: {
        status: 'refunded',
        paymentId: PAYMENT_ID,
        providerPaymentId: PROVIDER_PAYMENT_ID,
        providerRefundId: 're_1',
      },
      cancellation: { reason: 'TIMEOUT', cancelledAt: NOW },
    });
  });

  it('keeps the first cancellation when a late success is refunded', () => {
    const cancelledEarlier: PaymentEvent = {
      type: 'ChargeCancelled',
      data: { reason: 'TIMEOUT', cancelledAt: 5 },
    };
    const state = fold([...histories.requested, cancelledEarlier, ev.charged(), ev.refundRequested()]);
    expect(state.cancellation).toEqual({ reason: 'TIMEOUT', cancelledAt: 5 });
    expect(state.charge.status).toBe('refund-requested');
  });

  it.each(Object.entries(histories))('survives a JSON snapshot (%s)', (_name, history) => {
    const state = fold(history);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('lists every event type it evolves', () => {
    const seen = new Set(Object.values(histories).flatMap((h) => h.map((e) => e.type)));
    expect([...paymentDecider.eventTypes].sort()).toEqual([...seen].sort());
    expect(paymentDecider.streamType).toBe('payment');
    expect(paymentStreamId('o-9')).toBe('payment-o-9');
  });
});

describe('nextProviderCall', () => {
  it('asks for the charge, keyed by the order id, while its outcome is unknown', () => {
    const charge = {
      kind: 'charge',
      request: { idempotencyKey: ORDER_ID, amountMinor: AMOUNT, currency: CURRENCY, token: TOKEN },
    };
    expect(nextProviderCall(fold(histories.requested))).toEqual(charge);
    // Cancelled meanwhile: still ask (idempotent), so a charge that did happen is found and refunded.
    expect(nextProviderCall(fold(histories.requestedCancelled))).toEqual(charge);
  });

  it.each(rows('refundRequested', 'lateChargeRefundRequested'))(
    'asks for the refund (%s)',
    (_name, history) => {
      expect(nextProviderCall(fold(history))).toEqual({
        kind: 'refund',
        request: {
          idempotencyKey: `${ORDER_ID}:refund`,
          providerPaymentId: PROVIDER_PAYMENT_ID,
          amountMinor: AMOUNT,
          currency: CURRENCY,
        },
      });
    },
  );

  it.each(
    rows(
      'fresh',
      'deferred',
      'cancelledFirst',
      'registered',
      'registeredCancelled',
      'pending',
      'pendingCancelled',
      'charged',
      'declined',
      'refunded',
    ),
  )('owes nothing otherwise (%s)', (_name, history) => {
    expect(nextProviderCall(fold(history))).toBeNull();
  });
});
