/**
 * Run a bounded DELETE until it removes fewer than `batchSize` rows: pruning that never holds many
 * locks or one long transaction. `deleteBatch` deletes at most `batchSize` rows (claimed with
 * `FOR UPDATE SKIP LOCKED`, so any number of instances may prune at once) and returns how many.
 * Returns the rows deleted in all.
 *
 * @example
 *   await deleteInBatches(1000, async () =>
 *     (await db.deleteFrom('outbox').where('position', 'in', oldestDispatched(1000)).executeTakeFirst()).numDeletedRows);
 */
export async function deleteInBatches(
  batchSize: number,
  deleteBatch: () => Promise<bigint | number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = Number(await deleteBatch());
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
