import { sql } from 'kysely';
import type { PaymentDb } from './tables.js';

/** Count one more timeout of this order's call; returns the count so far. Use a connection, not the inbox tx. */
export async function countProviderTimeout(
  db: PaymentDb,
  orderId: string,
  call: 'charge' | 'refund',
  error: string,
): Promise<number> {
  const row = await db
    .insertInto('provider_timeouts')
    .values({ order_id: orderId, call, timeouts: 1, last_error: error })
    .onConflict((oc) =>
      oc.columns(['order_id', 'call']).doUpdateSet({
        timeouts: sql<number>`provider_timeouts.timeouts + 1`,
        last_error: error,
        updated_at: sql<Date>`now()`,
      }),
    )
    .returning('timeouts')
    .executeTakeFirstOrThrow();
  return row.timeouts;
}
