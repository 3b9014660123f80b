import { createHash } from 'node:crypto';
import { executePrepared, preparedStatement } from '@acme/postgres';
import type { Transaction } from 'kysely';

/**
 * Take a transaction-scoped advisory lock per SKU before reading its stream, so writers of a hot
 * SKU queue up instead of all reading the same version and all but one failing the append and
 * retrying (measured in test/integration/contention.test.ts: without locks most of 200 concurrent
 * one-unit orders on one SKU exhaust their conflict retries; with them there are no conflicts).
 * The optimistic version check stays the guard; the locks only keep it from firing.
 *
 * Keys are 64-bit hashes of the SKU, taken in ascending key order (not SKU order: two SKUs whose
 * hashes compare the other way round would otherwise let two transactions wait on each other).
 * All of them in one statement, one key after the other in the array's order: a batch of orders
 * takes the locks of every SKU it touches here, once, before it reads any (a transaction that
 * took more locks later, in another order, could deadlock with one doing the same).
 * Released by Postgres when the transaction ends.
 */
export async function lockSkus(tx: Transaction<unknown>, skus: Iterable<string>): Promise<void> {
  const keys = [...new Set([...skus].map(skuLockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return;
  await executePrepared(tx, lockStatement, [keys.map(String)]);
}

const lockStatement = preparedStatement(
  'inventory_lock_skus',
  'SELECT count(pg_advisory_xact_lock(key)) FROM unnest($1::bigint[]) AS key',
);

/** A signed 64-bit key for the SKU, in a namespace of its own ("inventory.sku:"). */
export function skuLockKey(sku: string): bigint {
  return createHash('sha256').update(`inventory.sku:${sku}`).digest().readBigInt64BE(0);
}
