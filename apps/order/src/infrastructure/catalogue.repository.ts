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

/**
 * The catalogue as POST /orders checks it, with the SKUs found so far remembered: a SKU, once
 * announced, stays in the catalogue (rows are only ever added), so a known one needs no query.
 * Unknown ones are looked up every time — inventory may announce them any moment. At most
 * `capacity` SKUs are remembered; past that the oldest are looked up again.
 */
export class KnownSkus {
  private readonly known = new Set<string>();

  constructor(
    private readonly db: OrderDb,
    private readonly capacity = 100_000,
  ) {}

  async unknown(skus: readonly string[]): Promise<Set<string>> {
    const unsure = skus.filter((sku) => !this.known.has(sku));
    const unknown = await unknownSkus(this.db, unsure);
    for (const sku of unsure) if (!unknown.has(sku)) this.remember(sku);
    return unknown;
  }

  private remember(sku: string): void {
    if (this.known.size >= this.capacity) {
      const [oldest] = this.known;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.add(sku);
  }
}
