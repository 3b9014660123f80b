import type { Kysely, Transaction } from 'kysely';
import { defaultMaxPayloadBytes, validateMessages, type OutboxMessage } from './message.js';
import { outboxView } from './table.js';

/** Postgres takes at most 65,535 parameters per statement; four per row. */
const rowsPerInsert = 10_000;

export interface EnqueueOptions {
  /** Largest payload accepted (default 1,000,000 bytes); keep it below the broker's `max.message.bytes`. */
  maxPayloadBytes?: number;
}

/**
 * Store integration messages in the outbox, inside the caller's transaction, so they leave the
 * service if and only if the business change commits. One multi-row INSERT (per 10,000 messages);
 * returns the positions.
 * Invalid input throws `OutboxMessageError` before anything is written.
 *
 * @example
 *   await db.transaction().execute(async (tx) => {
 *     await append(tx, ...);
 *     await enqueue(tx, [{ topic: 'order.events', key: orderId, headers: { ce_type: '…' }, payload }]);
 *   });
 */
export async function enqueue<DB>(
  db: Kysely<DB> | Transaction<DB>,
  messages: readonly OutboxMessage[],
  options: EnqueueOptions = {},
): Promise<bigint[]> {
  validateMessages(messages, options.maxPayloadBytes ?? defaultMaxPayloadBytes);
  if (messages.length === 0) return [];
  const positions: bigint[] = [];
  for (let i = 0; i < messages.length; i += rowsPerInsert) {
    const rows = await outboxView(db)
      .insertInto('outbox')
      .values(
        messages.slice(i, i + rowsPerInsert).map((m) => ({
          topic: m.topic,
          key: m.key,
          headers: JSON.stringify(m.headers),
          payload: m.payload,
        })),
      )
      .returning('position')
      .execute();
    positions.push(...rows.map((r) => r.position));
  }
  return positions;
}
