import type { Event } from '@acme/event-store';

/**
 * The events of one order's stream (`order-<orderId>`). They stay inside the order service; the
 * application maps the order's own facts — OrderPlaced, OrderConfirmed, OrderCancelled,
 * OrderShipped — to the integration events of @acme/contracts. The others note what the order
 * learned from inventory and payment, so the stream alone tells the whole story.
 *
 * Units as in the contracts: money in integer minor units with an ISO 4217 `currency`, timestamps
 * (`…At`) in epoch milliseconds, ids as strings.
 */
export type OrderEvent =
  | OrderPlaced
  | StockReserved
  | PaymentCharged
  | OrderConfirmed
  | OrderCancelled
  | OrderShipped
  | PaymentReceivedAfterCancellation
  | AdditionalPaymentReceived;

export type OrderEventType = OrderEvent['type'];

export interface Customer {
  id: string;
  email: string;
  /** Null when the customer gave none (as in the contract, so the event survives JSON unchanged). */
  name: string | null;
}

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

/** Why an order was cancelled: every reason, so a caller can enumerate them (metrics, mappings). */
export const cancellationReasons = [
  'stock-insufficient',
  'payment-failed',
  'customer-request',
  'timeout',
] as const;

export type CancellationReason = (typeof cancellationReasons)[number];

/** A customer placed an order; the deadline starts running. */
export type OrderPlaced = Event<
  'OrderPlaced',
  {
    orderId: string;
    customer: Customer;
    /** One line per SKU, in the order the customer listed them. */
    lines: readonly OrderLine[];
    currency: string;
    /** Σ quantity × unitPriceMinor. */
    totalMinor: number;
    paymentToken: string;
    placedAt: number;
    deadlineAt: number;
  }
>;

/** Noted: inventory reserved every line of the order. */
export type StockReserved = Event<'StockReserved', { orderId: string; reservedAt: number }>;

/**
 * Noted: payment charged the order. May come before StockReserved (different topics, no order
 * between them); the order is confirmed once both are there.
 */
export type PaymentCharged = Event<
  'PaymentCharged',
  { orderId: string; paymentId: string; amountMinor: number; currency: string; chargedAt: number }
>;

/** Stock reserved and the whole total charged: the order will be fulfilled. */
export type OrderConfirmed = Event<
  'OrderConfirmed',
  { orderId: string; paymentId: string; confirmedAt: number }
>;

/**
 * The order will not be fulfilled. Compensation is choreographed, not commanded: inventory releases
 * what it reserved and payment refunds what it charged when they see this event.
 */
export type OrderCancelled = Event<
  'OrderCancelled',
  { orderId: string; reason: CancellationReason; detail: string | null; cancelledAt: number }
>;

export type OrderShipped = Event<'OrderShipped', { orderId: string; shippedAt: number }>;

interface UnappliedPaymentData {
  orderId: string;
  paymentId: string;
  amountMinor: number;
  currency: string;
  receivedAt: number;
}

/**
 * A charge arrived after the order was cancelled (e.g. a payment confirmed by webhook after the
 * timeout). Recorded so the story is complete; the order does not ask for the refund — the payment
 * service refunds a charge whose order it has seen cancelled, whichever of the two it saw first.
 */
export type PaymentReceivedAfterCancellation = Event<
  'PaymentReceivedAfterCancellation',
  UnappliedPaymentData
>;

/**
 * A second, different charge for an order that is already paid. Payment charges once per order
 * (the order id is its idempotency key at the provider), so this means a fault upstream; it is
 * recorded for reconciliation and never confirms or cancels anything.
 */
export type AdditionalPaymentReceived = Event<'AdditionalPaymentReceived', UnappliedPaymentData>;

/** Every event type the order decider knows, for the event store's append check. */
export const orderEventTypes = [
  'OrderPlaced',
  'StockReserved',
  'PaymentCharged',
  'OrderConfirmed',
  'OrderCancelled',
  'OrderShipped',
  'PaymentReceivedAfterCancellation',
  'AdditionalPaymentReceived',
] as const satisfies readonly OrderEventType[];
