import type { Generated, Kysely, Transaction } from 'kysely';

/**
 * A verified provider webhook, stored in the transaction of its effect: the same signature (the
 * same bytes and timestamp) again is a replay; the same webhook id under a new signature is the
 * provider delivering it again.
 */
export interface WebhookReceiptsTable {
  signature: string;
  webhook_id: string;
  order_id: string;
  received_at: Generated<Date>;
}

/**
 * Provider calls that timed out, per order and call. Written outside the inbox transaction (which
 * rolls back on the timeout) so the count survives the consumer's retries and restarts.
 */
export interface ProviderTimeoutsTable {
  order_id: string;
  call: 'charge' | 'refund';
  timeouts: number;
  last_error: string;
  updated_at: Generated<Date>;
}

/** The payment service's own tables (the event store, outbox and inbox come with the platform). */
export interface PaymentTables {
  webhook_receipts: WebhookReceiptsTable;
  provider_timeouts: ProviderTimeoutsTable;
}

export type PaymentDb = Kysely<PaymentTables> | Transaction<PaymentTables>;
