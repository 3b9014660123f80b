import type { CancellationReason } from './payment.js';
import type { ChargeResult } from './provider.js';

import type { Command } from '@acme/event-store';

export type { Command };

export type PaymentCommand =
  /** On OrderPlaced: learn what to charge. */
  | Command<'RegisterOrder', { orderId: string; amountMinor: number; currency: string; paymentToken: string }>
  /** On StockReserved: charge (once per order). `attemptId` is new, minted by the caller; it becomes the paymentId. */
  | Command<'RequestCharge', { orderId: string; attemptId: string }>
  /** The answer of `PaymentProvider.charge`. */
  | Command<'RecordProviderResult', { result: ChargeResult }>
  /** A verified provider webhook settling an asynchronous payment. */
  | Command<'ConfirmFromWebhook', { providerPaymentId: string; outcome: 'succeeded' | 'failed' }>
  /** On OrderCancelled: compensate. */
  | Command<'OrderCancelled', { reason: CancellationReason }>
  /** The answer of `PaymentProvider.refund`. */
  | Command<'RecordRefund', { providerRefundId: string }>;

/** The failure a webhook reports carries no code of its own. */
export const WEBHOOK_FAILURE = {
  code: 'payment_failed',
  reason: 'The payment provider reported the payment as failed.',
};
