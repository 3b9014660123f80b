import { assertNever } from './command.js';
import type { CancellationReason, Customer, OrderEvent, OrderLine } from './events.js';

export type OrderStatus = 'placed' | 'reserved' | 'confirmed' | 'cancelled' | 'shipped';

/** The stream is empty: no order with this id was placed. */
export interface NoOrder {
  status: 'none';
}

/**
 * What an order is now — everything GET /orders/:id shows. JSON-safe (nulls, arrays, no
 * `undefined`), so it can be snapshotted and served as is.
 *
 * `placed` may already hold a `payment` (PaymentCharged overtook StockReserved); `reserved` means
 * stock is held and the charge is awaited.
 */
export interface Order {
  status: OrderStatus;
  orderId: string;
  customer: Customer;
  lines: readonly OrderLine[];
  currency: string;
  totalMinor: number;
  paymentToken: string;
  placedAt: number;
  deadlineAt: number;
  reservedAt: number | null;
  payment: ReceivedPayment | null;
  confirmedAt: number | null;
  cancellation: Cancellation | null;
  shippedAt: number | null;
  /** Charges that arrived too late or twice: recorded, never applied. */
  unappliedPayments: readonly UnappliedPayment[];
  /** Time of the latest event. */
  updatedAt: number;
}

export type OrderState = NoOrder | Order;

export interface ReceivedPayment {
  paymentId: string;
  amountMinor: number;
  currency: string;
  chargedAt: number;
}

export interface Cancellation {
  reason: CancellationReason;
  detail: string | null;
  cancelledAt: number;
}

export interface UnappliedPayment {
  paymentId: string;
  amountMinor: number;
  currency: string;
  receivedAt: number;
  why: 'after-cancellation' | 'additional';
}

export const initialOrderState = (): OrderState => ({ status: 'none' });

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const { placedAt, ...placed } = event.data;
    return {
      status: 'placed',
      ...placed,
      placedAt,
      reservedAt: null,
      payment: null,
      confirmedAt: null,
      cancellation: null,
      shippedAt: null,
      unappliedPayments: [],
      updatedAt: placedAt,
    };
  }
  // decide never emits anything else for a missing order.
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'StockReserved':
      return {
        ...state,
        status: 'reserved',
        reservedAt: event.data.reservedAt,
        updatedAt: event.data.reservedAt,
      };
    case 'PaymentCharged': {
      const { paymentId, amountMinor, currency, chargedAt } = event.data;
      return { ...state, payment: { paymentId, amountMinor, currency, chargedAt }, updatedAt: chargedAt };
    }
    case 'OrderConfirmed':
      return {
        ...state,
        status: 'confirmed',
        confirmedAt: event.data.confirmedAt,
        updatedAt: event.data.confirmedAt,
      };
    case 'OrderCancelled': {
      const { reason, detail, cancelledAt } = event.data;
      return {
        ...state,
        status: 'cancelled',
        cancellation: { reason, detail, cancelledAt },
        updatedAt: cancelledAt,
      };
    }
    case 'OrderShipped':
      return {
        ...state,
        status: 'shipped',
        shippedAt: event.data.shippedAt,
        updatedAt: event.data.shippedAt,
      };
    case 'PaymentReceivedAfterCancellation':
    case 'AdditionalPaymentReceived': {
      const { paymentId, amountMinor, currency, receivedAt } = event.data;
      const why = event.type === 'AdditionalPaymentReceived' ? 'additional' : 'after-cancellation';
      return {
        ...state,
        unappliedPayments: [
          ...state.unappliedPayments,
          { paymentId, amountMinor, currency, receivedAt, why },
        ],
        updatedAt: receivedAt,
      };
    }
    default:
      return assertNever(event, 'order event');
  }
}
