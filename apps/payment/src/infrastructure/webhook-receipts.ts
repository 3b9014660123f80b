import type { PaymentDb } from './tables.js';

export type ReceiptVerdict = 'new' | 'replay' | 'redelivery';

/**
 * Record a verified webhook in the caller's transaction. `replay`: these exact signed bytes were
 * accepted before. `redelivery`: the provider sent the same webhook id again, freshly signed.
 * A concurrent twin waits on the unique index until the first commits, then sees it.
 */
export async function recordWebhookReceipt(
  tx: PaymentDb,
  receipt: { signature: string; webhookId: string; orderId: string },
): Promise<ReceiptVerdict> {
  const inserted = await tx
    .insertInto('webhook_receipts')
    .values({ signature: receipt.signature, webhook_id: receipt.webhookId, order_id: receipt.orderId })
    .onConflict((oc) => oc.doNothing())
    .returning('signature')
    .executeTakeFirst();
  if (inserted) return 'new';
  const same = await tx
    .selectFrom('webhook_receipts')
    .select('signature')
    .where('signature', '=', receipt.signature)
    .executeTakeFirst();
  return same ? 'replay' : 'redelivery';
}
