import type { OrderCancelledV1 } from '@acme/contracts';

/** Why an order was cancelled, as the order service publishes it. */
export type CancellationReason = OrderCancelledV1['reason'];

/** Integer minor units of an ISO 4217 currency (cents for EUR). */
export interface Money {
  amountMinor: number;
  currency: string;
}

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

/** What each e-mail needs: plain facts, names and units as in the contracts. */
export interface TemplateDataMap {
  /** OrderPlaced: we received your order. */
  'order-placed': {
    orderId: string;
    customerName: string | null;
    lines: OrderLine[];
    currency: string;
    totalMinor: number;
  };
  /** OrderConfirmed: stock reserved and payment taken. */
  'order-confirmed': { orderId: string; customerName: string | null; currency: string; totalMinor: number };
  /** OrderCancelled: why, and what happens to the money (`refund` when a charge was made). */
  'order-cancelled': {
    orderId: string;
    customerName: string | null;
    reason: CancellationReason;
    detail: string | null;
    refund: Money | null;
  };
  /** OrderShipped: on its way. */
  'order-shipped': { orderId: string; customerName: string | null };
}

export type TemplateName = keyof TemplateDataMap;

export const templateNames: readonly TemplateName[] = [
  'order-placed',
  'order-confirmed',
  'order-cancelled',
  'order-shipped',
];

/** One e-mail to render: a template and its data, correlated. */
export type Notification = { [K in TemplateName]: { template: K; data: TemplateDataMap[K] } }[TemplateName];

export interface RenderedEmail {
  /** One line, no control characters. */
  subject: string;
  text: string;
  /** A complete HTML document; every interpolated value is escaped. */
  html: string;
}
