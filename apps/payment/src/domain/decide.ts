import { assertNever, type Decider } from '@acme/event-store';
import {
  InvalidPaymentCommandError,
  NoChargeRequestedError,
  NoRefundRequestedError,
  OrderMismatchError,
  ProviderPaymentMismatchError,
} from './errors.js';
import {
  evolvePayment,
  initialPaymentState,
  paymentEventTypes,
  type CancellationReason,
  type ChargeStatus,
  type PaymentEvent,
  type PaymentState,
} from './payment.js';
import { WEBHOOK_FAILURE, type PaymentCommand } from './commands.js';

export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RegisterOrder':
      return registerOrder(command, state);
    case 'RequestCharge':
      return requestCharge(command, state);
    case 'RecordProviderResult':
      return recordProviderResult(command, state);
    case 'ConfirmFromWebhook':
      return confirmFromWebhook(command, state);
    case 'OrderCancelled':
      return orderCancelled(command, state);
    case 'RecordRefund':
      return recordRefund(command, state);
    default:
      return assertNever(command);
  }
}

/**
 * The payment of one order, stream `payment-<orderId>` (see `paymentStreamId`).
 *
 * @example
 *   await handleCommand(db, { decider: paymentDecider, streamId: paymentStreamId(orderId),
 *     command: { type: 'RequestCharge', data: { orderId, attemptId: randomUUID() }, metadata: { now: Date.now() } } });
 */
export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = {
  streamType: 'payment',
  eventTypes: paymentEventTypes,
  initialState: initialPaymentState,
  evolve: evolvePayment,
  decide: decidePayment,
};

export const paymentStreamId = (orderId: string): string => `payment-${orderId}`;

type CommandOf<T extends PaymentCommand['type']> = Extract<PaymentCommand, { type: T }>;

function registerOrder({ data, metadata }: CommandOf<'RegisterOrder'>, state: PaymentState): PaymentEvent[] {
  requireText('orderId', data.orderId);
  requireText('paymentToken', data.paymentToken);
  if (!Number.isSafeInteger(data.amountMinor) || data.amountMinor <= 0) {
    throw new InvalidPaymentCommandError(`amountMinor must be a positive integer, got ${data.amountMinor}`);
  }
  if (!/^[A-Z]{3}$/.test(data.currency)) {
    throw new InvalidPaymentCommandError(
      `currency must be an ISO 4217 code like EUR, got "${data.currency}"`,
    );
  }
  if (state.order) return []; // OrderPlaced redelivered: the first registration stands.

  const registered: PaymentEvent = {
    type: 'PaymentRegistered',
    data: { ...data, registeredAt: metadata.now },
  };
  if (state.charge.status !== 'deferred' || state.cancellation) return [registered];
  // StockReserved came first and was waiting for the amount.
  return [
    registered,
    {
      type: 'ChargeRequested',
      data: {
        paymentId: state.charge.paymentId,
        amountMinor: data.amountMinor,
        currency: data.currency,
        requestedAt: metadata.now,
      },
    },
  ];
}

function requestCharge({ data, metadata }: CommandOf<'RequestCharge'>, state: PaymentState): PaymentEvent[] {
  requireText('orderId', data.orderId);
  requireText('attemptId', data.attemptId);
  if (state.order && state.order.orderId !== data.orderId) {
    throw new OrderMismatchError(state.order.orderId, data.orderId);
  }
  // Cancelled first: never charge. Any other status: StockReserved redelivered, charge once.
  if (state.cancellation || state.charge.status !== 'none') return [];
  if (!state.order)
    return [{ type: 'ChargeDeferred', data: { paymentId: data.attemptId, deferredAt: metadata.now } }];
  const { amountMinor, currency } = state.order;
  return [
    {
      type: 'ChargeRequested',
      data: { paymentId: data.attemptId, amountMinor, currency, requestedAt: metadata.now },
    },
  ];
}

function recordProviderResult(
  { data: { result }, metadata }: CommandOf<'RecordProviderResult'>,
  state: PaymentState,
): PaymentEvent[] {
  const charge = state.charge;
  if (charge.status === 'none' || charge.status === 'deferred') {
    throw new NoChargeRequestedError('provider result');
  }
  if (result.status !== 'declined') requireSameProviderPayment(charge, result.providerPaymentId);
  if (charge.status === 'pending' && result.status === 'pending') return []; // the same answer again
  if (charge.status !== 'requested' && charge.status !== 'pending') return []; // already settled
  switch (result.status) {
    case 'succeeded':
      return charged(state, charge.paymentId, result.providerPaymentId, metadata.now);
    case 'pending':
      return [
        {
          type: 'PaymentPending',
          data: {
            paymentId: charge.paymentId,
            providerPaymentId: result.providerPaymentId,
            pendingAt: metadata.now,
          },
        },
      ];
    case 'declined': {
      const providerPaymentId = charge.status === 'pending' ? charge.providerPaymentId : null;
      const { code, reason } = result;
      return [
        {
          type: 'PaymentDeclined',
          data: { paymentId: charge.paymentId, providerPaymentId, code, reason, declinedAt: metadata.now },
        },
      ];
    }
    default:
      return assertNever(result);
  }
}

function confirmFromWebhook(
  { data: { providerPaymentId, outcome }, metadata }: CommandOf<'ConfirmFromWebhook'>,
  state: PaymentState,
): PaymentEvent[] {
  const charge = state.charge;
  if (charge.status === 'none' || charge.status === 'deferred') throw new NoChargeRequestedError('webhook');
  requireSameProviderPayment(charge, providerPaymentId);
  // The webhook may overtake the provider's synchronous answer, so it settles `requested` too.
  if (charge.status !== 'requested' && charge.status !== 'pending') return []; // redelivered webhook
  if (outcome === 'succeeded') return charged(state, charge.paymentId, providerPaymentId, metadata.now);
  return [
    {
      type: 'PaymentDeclined',
      data: { paymentId: charge.paymentId, providerPaymentId, ...WEBHOOK_FAILURE, declinedAt: metadata.now },
    },
  ];
}

function orderCancelled(
  { data, metadata }: CommandOf<'OrderCancelled'>,
  state: PaymentState,
): PaymentEvent[] {
  if (state.cancellation) return []; // OrderCancelled redelivered
  const charge = state.charge;
  switch (charge.status) {
    case 'none':
    case 'deferred':
    case 'requested':
    case 'pending':
      return [{ type: 'ChargeCancelled', data: { reason: data.reason, cancelledAt: metadata.now } }];
    case 'charged':
      return [refundRequested(state, charge.paymentId, charge.providerPaymentId, data.reason, metadata.now)];
    case 'declined': // nothing was taken
    case 'refund-requested':
    case 'refunded':
      return [];
    default:
      return assertNever(charge);
  }
}

function recordRefund({ data, metadata }: CommandOf<'RecordRefund'>, state: PaymentState): PaymentEvent[] {
  requireText('providerRefundId', data.providerRefundId);
  const { charge, order } = state;
  if (charge.status === 'refunded') return []; // the same answer again
  if (charge.status !== 'refund-requested' || !order) throw new NoRefundRequestedError();
  return [
    {
      type: 'PaymentRefunded',
      data: {
        paymentId: charge.paymentId,
        providerPaymentId: charge.providerPaymentId,
        providerRefundId: data.providerRefundId,
        amountMinor: order.amountMinor,
        currency: order.currency,
        refundedAt: metadata.now,
      },
    },
  ];
}

/** Money was taken; if the order was cancelled meanwhile (e.g. timeout), give it back at once. */
function charged(
  state: PaymentState,
  paymentId: string,
  providerPaymentId: string,
  now: number,
): PaymentEvent[] {
  if (!state.order) throw new NoChargeRequestedError('charge'); // unreachable: requested implies registered
  const { amountMinor, currency } = state.order;
  const events: PaymentEvent[] = [
    { type: 'PaymentCharged', data: { paymentId, providerPaymentId, amountMinor, currency, chargedAt: now } },
  ];
  if (state.cancellation) {
    events.push(refundRequested(state, paymentId, providerPaymentId, state.cancellation.reason, now));
  }
  return events;
}

function refundRequested(
  state: PaymentState,
  paymentId: string,
  providerPaymentId: string,
  reason: CancellationReason,
  now: number,
): PaymentEvent {
  if (!state.order) throw new NoChargeRequestedError('refund'); // unreachable: charged implies registered
  const { amountMinor, currency } = state.order;
  return {
    type: 'RefundRequested',
    data: { paymentId, providerPaymentId, amountMinor, currency, reason, requestedAt: now },
  };
}

function requireSameProviderPayment(charge: ChargeStatus, providerPaymentId: string): void {
  requireText('providerPaymentId', providerPaymentId);
  const known = 'providerPaymentId' in charge ? charge.providerPaymentId : null;
  if (known !== null && known !== providerPaymentId)
    throw new ProviderPaymentMismatchError(known, providerPaymentId);
}

function requireText(field: string, value: string): void {
  if (value.trim() === '') throw new InvalidPaymentCommandError(`${field} must not be empty`);
}
