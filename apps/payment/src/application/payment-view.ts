import { aggregateStream } from '@acme/event-store';
import type { Kysely, Transaction } from 'kysely';
import { paymentDecider, paymentStreamId, type PaymentState } from '../domain/index.js';
import type { PaymentTables } from '../infrastructure/tables.js';

/** The payment of an order as support and tests see it (no payment token). */
export interface PaymentView {
  orderId: string;
  status: PaymentState['charge']['status'];
  paymentId: string | null;
  providerPaymentId: string | null;
  providerRefundId: string | null;
  amountMinor: number | null;
  currency: string | null;
  cancellation: PaymentState['cancellation'];
  /** The stream's version: grows with every recorded fact. */
  version: number;
}

export function paymentView(orderId: string, state: PaymentState, version: number): PaymentView {
  const { charge, order, cancellation } = state;
  return {
    orderId,
    status: charge.status,
    paymentId: 'paymentId' in charge ? charge.paymentId : null,
    providerPaymentId: 'providerPaymentId' in charge ? charge.providerPaymentId : null,
    providerRefundId: 'providerRefundId' in charge ? charge.providerRefundId : null,
    amountMinor: order?.amountMinor ?? null,
    currency: order?.currency ?? null,
    cancellation,
    version,
  };
}

/** The payment of `orderId`, or null when nothing about that order was ever recorded. */
export async function findPayment(
  db: Kysely<PaymentTables> | Transaction<PaymentTables>,
  orderId: string,
): Promise<PaymentView | null> {
  const { state, version } = await aggregateStream(db, paymentStreamId(orderId), paymentDecider);
  return version === 0 ? null : paymentView(orderId, state, version);
}
