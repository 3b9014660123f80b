import type { Cause } from '@acme/messaging';
import { DATABASE } from '@acme/service';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { recordWebhookReceipt } from '../infrastructure/webhook-receipts.js';
import type { PaymentTables } from '../infrastructure/tables.js';
import { PaymentProcess } from './payment-process.js';
import { findPayment, type PaymentView } from './payment-view.js';

/** A webhook whose signature was verified: the provider settles an asynchronous payment. */
export interface VerifiedWebhook {
  id: string;
  orderId: string;
  providerPaymentId: string;
  outcome: 'succeeded' | 'failed';
  /** The verified signature header: the same one again is a replay. */
  signature: string;
}

/** These exact signed bytes were accepted before; nothing was done this time. */
export class WebhookReplayError extends Error {
  override readonly name = 'WebhookReplayError';
  readonly retriable = false;
}

/** The webhook names an order this service never heard of. */
export class UnknownPaymentError extends Error {
  override readonly name = 'UnknownPaymentError';
  readonly retriable = false;
}

export interface WebhookOutcome {
  /** `duplicate`: the provider delivered this webhook id again (freshly signed); nothing changed. */
  result: 'applied' | 'duplicate';
  payment: PaymentView;
}

@Injectable()
export class ConfirmWebhook {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<PaymentTables>,
    @Inject(PaymentProcess) private readonly process: PaymentProcess,
  ) {}

  /**
   * Receipt and effect in ONE transaction: a replay finds the receipt and changes nothing, and a
   * webhook that fails (unknown order, wrong state) leaves no receipt, so the provider may retry it.
   * A success after the order's cancellation is refunded here, in the same transaction.
   */
  async confirm(webhook: VerifiedWebhook, cause: Cause): Promise<WebhookOutcome> {
    const { orderId, providerPaymentId, outcome } = webhook;
    return this.db.transaction().execute(async (tx) => {
      const verdict = await recordWebhookReceipt(tx, {
        signature: webhook.signature,
        webhookId: webhook.id,
        orderId,
      });
      if (verdict === 'replay') throw new WebhookReplayError(`webhook ${webhook.id} was already received`);
      const before = await findPayment(tx, orderId);
      if (!before) throw new UnknownPaymentError(`no payment is known for order ${orderId}`);
      if (verdict === 'redelivery') return { result: 'duplicate', payment: before };
      await this.process.run(
        tx,
        orderId,
        { type: 'ConfirmFromWebhook', data: { providerPaymentId, outcome } },
        cause,
      );
      const after = await findPayment(tx, orderId);
      return { result: 'applied', payment: after ?? before };
    });
  }
}
