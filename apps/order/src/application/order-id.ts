import { createHash, randomUUID } from 'node:crypto';

/**
 * The id of a new order. With an Idempotency-Key it is derived from the key (and the customer, so
 * two clients picking the same key do not collide): a retry then addresses the same stream, where
 * the decider finds the order already placed with the same content and does nothing — the retry
 * answers with that order. (handleCommand's own idempotency key cannot do this for a create: its
 * fingerprint covers the stream id and the command, and a fresh id and deadline per attempt would
 * make every retry look like a reuse of the key for a different request.)
 *
 * The derived id has the UUID layout (version 8, name-based), so every order id looks alike.
 */
export function newOrderId(customerId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  const hash = createHash('sha256').update(`order\u0000${customerId}\u0000${idempotencyKey}`).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
