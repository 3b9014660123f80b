import type { PaymentCommand, PaymentEvent } from '../../src/domain/index.js';

/** Shared facts of one order, so each test reads as its business rule. */
export const ORDER_ID = 'order-1';
export const AMOUNT = 2599;
export const CURRENCY = 'EUR';
export const TOKEN = 'tok_ok';
export const PAYMENT_ID = 'attempt-1';
export const PROVIDER_PAYMENT_ID = 'pi_1';
export const NOW = 1_700_000_000_000;

const meta = { metadata: { now: NOW } };

export const cmd = {
  register: (): PaymentCommand => ({
    type: 'RegisterOrder',
    data: { orderId: ORDER_ID, amountMinor: AMOUNT, currency: CURRENCY, paymentToken: TOKEN },
    ...meta,
  }),
  requestCharge: (attemptId = PAYMENT_ID): PaymentCommand => ({
    type: 'RequestCharge',
    data: { orderId: ORDER_ID, attemptId },
    ...meta,
  }),
  succeeded: (providerPaymentId = PROVIDER_PAYMENT_ID): PaymentCommand => ({
    type: 'RecordProviderResult',
    data: { result: { status: 'succeeded', providerPaymentId } },
    ...meta,
  }),
  declined: (): PaymentCommand => ({
    type: 'RecordProviderResult',
    data: { result: { status: 'declined', code: 'card_declined', reason: 'The card was declined.' } },
    ...meta,
  }),
  pending: (providerPaymentId = PROVIDER_PAYMENT_ID): PaymentCommand => ({
    type: 'RecordProviderResult',
    data: { result: { status: 'pending', providerPaymentId } },
    ...meta,
  }),
  webhook: (outcome: 'succeeded' | 'failed', providerPaymentId = PROVIDER_PAYMENT_ID): PaymentCommand => ({
    type: 'ConfirmFromWebhook',
    data: { providerPaymentId, outcome },
    ...meta,
  }),
  cancel: (): PaymentCommand => ({ type: 'OrderCancelled', data: { reason: 'TIMEOUT' }, ...meta }),
  recordRefund: (providerRefundId = 're_1'): PaymentCommand => ({
    type: 'RecordRefund',
    data: { providerRefundId },
    ...meta,
  }),
};

export const ev = {
  registered: (): PaymentEvent => ({
    type: 'PaymentRegistered',
    data: {
      orderId: ORDER_ID,
      amountMinor: AMOUNT,
      currency: CURRENCY,
      paymentToken: TOKEN,
      registeredAt: NOW,
    },
  }),
  deferred: (): PaymentEvent => ({
    type: 'ChargeDeferred',
    data: { paymentId: PAYMENT_ID, deferredAt: NOW },
  }),
  requested: (): PaymentEvent => ({
    type: 'ChargeRequested',
    data: { paymentId: PAYMENT_ID, amountMinor: AMOUNT, currency: CURRENCY, requestedAt: NOW },
  }),
  pending: (): PaymentEvent => ({
    type: 'PaymentPending',
    data: { paymentId: PAYMENT_ID, providerPaymentId: PROVIDER_PAYMENT_ID, pendingAt: NOW },
  }),
  charged: (): PaymentEvent => ({
    type: 'PaymentCharged',
    data: {
      paymentId: PAYMENT_ID,
      providerPaymentId: PROVIDER_PAYMENT_ID,
      amountMinor: AMOUNT,
      currency: CURRENCY,
      chargedAt: NOW,
    },
  }),
  declined: (providerPaymentId: string | null = null): PaymentEvent => ({
    type: 'PaymentDeclined',
    data: {
      paymentId: PAYMENT_ID,
      providerPaymentId,
      code: 'card_declined',
      reason: 'The card was declined.',
      declinedAt: NOW,
    },
  }),
  webhookFailed: (): PaymentEvent => ({
    type: 'PaymentDeclined',
    data: {
      paymentId: PAYMENT_ID,
      providerPaymentId: PROVIDER_PAYMENT_ID,
      code: 'payment_failed',
      reason: 'The payment provider reported the payment as failed.',
      declinedAt: NOW,
    },
  }),
  cancelled: (): PaymentEvent => ({ type: 'ChargeCancelled', data: { reason: 'TIMEOUT', cancelledAt: NOW } }),
  refundRequested: (): PaymentEvent => ({
    type: 'RefundRequested',
    data: {
      paymentId: PAYMENT_ID,
      providerPaymentId: PROVIDER_PAYMENT_ID,
      amountMinor: AMOUNT,
      currency: CURRENCY,
      reason: 'TIMEOUT',
      requestedAt: NOW,
    },
  }),
  refunded: (providerRefundId = 're_1'): PaymentEvent => ({
    type: 'PaymentRefunded',
    data: {
      paymentId: PAYMENT_ID,
      providerPaymentId: PROVIDER_PAYMENT_ID,
      providerRefundId,
      amountMinor: AMOUNT,
      currency: CURRENCY,
      refundedAt: NOW,
    },
  }),
};

/** Every state the payment can be in, by the history that leads there. */
export const histories = {
  fresh: [],
  deferred: [ev.deferred()],
  cancelledFirst: [ev.cancelled()],
  deferredThenCancelled: [ev.deferred(), ev.cancelled()],
  registered: [ev.registered()],
  registeredCancelled: [ev.registered(), ev.cancelled()],
  requested: [ev.registered(), ev.requested()],
  requestedCancelled: [ev.registered(), ev.requested(), ev.cancelled()],
  pending: [ev.registered(), ev.requested(), ev.pending()],
  pendingCancelled: [ev.registered(), ev.requested(), ev.pending(), ev.cancelled()],
  charged: [ev.registered(), ev.requested(), ev.charged()],
  declined: [ev.registered(), ev.requested(), ev.declined()],
  declinedAsync: [ev.registered(), ev.requested(), ev.pending(), ev.webhookFailed()],
  refundRequested: [ev.registered(), ev.requested(), ev.charged(), ev.refundRequested()],
  lateChargeRefundRequested: [
    ev.registered(),
    ev.requested(),
    ev.cancelled(),
    ev.charged(),
    ev.refundRequested(),
  ],
  refunded: [ev.registered(), ev.requested(), ev.charged(), ev.refundRequested(), ev.refunded()],
} satisfies Record<string, PaymentEvent[]>;

export type HistoryName = keyof typeof histories;

/** `[name, events]` rows for `it.each`. */
export const rows = (...names: HistoryName[]): [HistoryName, PaymentEvent[]][] =>
  names.map((name) => [name, histories[name]]);
