import type { OrderDb } from './database.js';

/**
 * Note that a SKU exists. Idempotent, and commutative for redeliveries: the first sighting stays,
 * the latest one wins.
 */
export async function recordSku(db: OrderDb, sku: string, addedAt: Date): Promise<void> {
  await db
    .insertInto('catalogue')
    .values({ sku, first_added_at: addedAt, last_added_at: addedAt })
    .onConflict((oc) =>
      oc.column('sku').doUpdateSet({
        last_added_at: (eb) =>
          eb.fn('greatest', [eb.ref('catalogue.last_added_at'), eb.ref('excluded.last_added_at')]),
      }),
    )
    .execute();
}

/** The SKUs among `skus` that the catalogue does not know. */
export async function unknownSkus(db: OrderDb, skus: readonly string[]): Promise<Set<string>> {
  if (skus.length === 0) return new Set();
  const known = await db
    .selectFrom('catalogue')
    .select('sku')
    .where('sku', 'in', [...skus])
    .execute();
  const found = new Set(known.map((row) => row.sku));
  return new Set(skus.filter((sku) => !found.has(sku)));
}
