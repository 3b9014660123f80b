import type { OrderCancelledV1 } from '@acme/contracts';
import { assertNever, type Event } from '@acme/event-store';

/**
 * The payment of one order (stream `payment-<orderId>`): events, state and `evolve`.
 *
 * The charge moves through one status; the order's cancellation is a flag beside it, because
 * OrderCancelled may arrive at any point (even before OrderPlaced: the facts come from two topics).
 *
 *   none ──RequestCharge, order unknown──► deferred ──RegisterOrder──┐
 *     │                                                             ▼
 *     └────────RequestCharge, order registered──────────────────► requested
 *                                                                  │  │  │
 *                       ┌─────────── result/webhook succeeded ─────┘  │  └── result declined ──┐
 *                       │                                             │                        │
 *                       │                  result pending             ▼                        ▼
 *                       │      ┌─────────────────────────────────► pending ─webhook failed─► declined
 *                       ▼      ▼                                      │
 *                     charged ◄───────────── webhook succeeded ───────┘
 *                       │
 *                       │ OrderCancelled, or a success that arrives after it
 *                       ▼
 *               refund-requested ──RecordRefund──► refunded
 *
 * OrderCancelled: none/deferred → ChargeCancelled (a later StockReserved charges nothing);
 *   requested/pending → ChargeCancelled (the outcome is still unknown: a later success is
 *   recorded as PaymentCharged and refunded at once); charged → RefundRequested; otherwise nothing.
 * Redelivered and out-of-order facts decide nothing; only impossible inputs throw.
 */

/** Why an order was cancelled, as the order service publishes it. */
export type CancellationReason = OrderCancelledV1['reason'];

export type PaymentEvent =
  /** OrderPlaced taught us what to charge. */
  | Event<
      'PaymentRegistered',
      { orderId: string; amountMinor: number; currency: string; paymentToken: string; registeredAt: number }
    >
  /** StockReserved arrived before OrderPlaced: charge as soon as the order is registered. */
  | Event<'ChargeDeferred', { paymentId: string; deferredAt: number }>
  /** We decided to call the provider (order id as idempotency key); the outcome is not known yet. */
  | Event<
      'ChargeRequested',
      { paymentId: string; amountMinor: number; currency: string; requestedAt: number }
    >
  /** The provider accepted an asynchronous payment; its webhook confirms or fails it later. */
  | Event<'PaymentPending', { paymentId: string; providerPaymentId: string; pendingAt: number }>
  | Event<
      'PaymentCharged',
      {
        paymentId: string;
        providerPaymentId: string;
        amountMinor: number;
        currency: string;
        chargedAt: number;
      }
    >
  /** Published as PaymentFailed. */
  | Event<
      'PaymentDeclined',
      {
        paymentId: string;
        providerPaymentId: string | null;
        code: string;
        reason: string;
        declinedAt: number;
      }
    >
  /** The order was cancelled before any money moved: never charge (and refund a late success). */
  | Event<'ChargeCancelled', { reason: CancellationReason; cancelledAt: number }>
  | Event<
      'RefundRequested',
      {
        paymentId: string;
        providerPaymentId: string;
        amountMinor: number;
        currency: string;
        reason: CancellationReason;
        requestedAt: number;
      }
    >
  | Event<
      'PaymentRefunded',
      {
        paymentId: string;
        providerPaymentId: string;
        providerRefundId: string;
        amountMinor: number;
        currency: string;
        refundedAt: number;
      }
    >;

export type PaymentEventType = PaymentEvent['type'];

export const paymentEventTypes: readonly PaymentEventType[] = [
  'PaymentRegistered',
  'ChargeDeferred',
  'ChargeRequested',
  'PaymentPending',
  'PaymentCharged',
  'PaymentDeclined',
  'ChargeCancelled',
  'RefundRequested',
  'PaymentRefunded',
];

export interface RegisteredOrder {
  orderId: string;
  amountMinor: number;
  currency: string;
  paymentToken: string;
}

/** Where the one charge of the order stands (see the diagram above). */
export type ChargeStatus =
  | { status: 'none' }
  | { status: 'deferred'; paymentId: string }
  | { status: 'requested'; paymentId: string }
  | { status: 'pending'; paymentId: string; providerPaymentId: string }
  | { status: 'charged'; paymentId: string; providerPaymentId: string }
  | { status: 'declined'; paymentId: string; providerPaymentId: string | null }
  | { status: 'refund-requested'; paymentId: string; providerPaymentId: string }
  | { status: 'refunded'; paymentId: string; providerPaymentId: string; providerRefundId: string };

/** JSON-safe (snapshots): absent values are `null`, never `undefined`. */
export interface PaymentState {
  order: RegisteredOrder | null;
  charge: ChargeStatus;
  cancellation: { reason: CancellationReason; cancelledAt: number } | null;
}

export const initialPaymentState = (): PaymentState => ({
  order: null,
  charge: { status: 'none' },
  cancellation: null,
});

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRegistered': {
      const { orderId, amountMinor, currency, paymentToken } = event.data;
      return { ...state, order: { orderId, amountMinor, currency, paymentToken } };
    }
    case 'ChargeDeferred':
      return { ...state, charge: { status: 'deferred', paymentId: event.data.paymentId } };
    case 'ChargeRequested':
      return { ...state, charge: { status: 'requested', paymentId: event.data.paymentId } };
    case 'PaymentPending': {
      const { paymentId, providerPaymentId } = event.data;
      return { ...state, charge: { status: 'pending', paymentId, providerPaymentId } };
    }
    case 'PaymentCharged': {
      const { paymentId, providerPaymentId } = event.data;
      return { ...state, charge: { status: 'charged', paymentId, providerPaymentId } };
    }
    case 'PaymentDeclined': {
      const { paymentId, providerPaymentId } = event.data;
      return { ...state, charge: { status: 'declined', paymentId, providerPaymentId } };
    }
    case 'ChargeCancelled':
      return { ...state, cancellation: { reason: event.data.reason, cancelledAt: event.data.cancelledAt } };
    case 'RefundRequested': {
      const { paymentId, providerPaymentId, reason, requestedAt } = event.data;
      return {
        ...state,
        charge: { status: 'refund-requested', paymentId, providerPaymentId },
        // A late success was cancelled earlier (ChargeCancelled); keep when that happened.
        cancellation: state.cancellation ?? { reason, cancelledAt: requestedAt },
      };
    }
    case 'PaymentRefunded': {
      const { paymentId, providerPaymentId, providerRefundId } = event.data;
      return { ...state, charge: { status: 'refunded', paymentId, providerPaymentId, providerRefundId } };
    }
    default:
      return assertNever(event);
  }
}
