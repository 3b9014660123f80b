import { aggregateStreams, appendToStream, maybeSnapshot } from '@acme/event-store';
import { sql, type Transaction } from 'kysely';
import { skuDecider, skuStreamId, type SkuAppend, type SkuState } from '../domain/index.js';
import type { InventoryDatabase } from './database.js';

/** A SKU's state and the stream version it was read at (0: the stream does not exist). */
export interface LoadedSku {
  state: SkuState;
  version: number;
}

/** Correlation of the appends with what caused them (request or consumed event). */
export interface AppendCause {
  correlationId: string;
  causationId: string;
  /** The trace the events belong to (default: the active span's). */
  traceparent?: string;
}

/** Read each SKU's stream (from its snapshot), all in one statement; call it after `lockSkus` when locking. */
export async function loadSkus(
  tx: Transaction<unknown>,
  skus: Iterable<string>,
): Promise<Map<string, LoadedSku>> {
  const ids = [...new Set(skus)];
  const streams = await aggregateStreams(tx, ids.map(skuStreamId), skuDecider);
  return new Map(
    ids.map((sku) => {
      const loaded = streams.get(skuStreamId(sku));
      return [sku, { state: loaded?.state ?? skuDecider.initialState(), version: loaded?.version ?? 0 }];
    }),
  );
}

/**
 * Append each SKU's events at the version it was read (`loaded`, updated in place), snapshot when
 * due, and bring `stock_levels` along in the same transaction. `appends` must be sorted by SKU
 * (`StockDecision.skus` is) so concurrent transactions lock the stream rows in the same order.
 */
export async function appendSkus(
  tx: Transaction<unknown>,
  appends: readonly SkuAppend[],
  loaded: Map<string, LoadedSku>,
  cause: AppendCause,
  names: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const before = new Map(appends.map(({ sku }) => [sku, loaded.get(sku)?.version ?? 0]));
  await appendSkuEvents(tx, appends, loaded, cause);
  await saveSkus(tx, before, loaded, names);
}

/**
 * Only the events of `appendSkus`, each SKU at the version in `loaded` (updated in place). A batch
 * of orders appends for each order in turn, then saves every SKU it touched once (`saveSkus`).
 */
export async function appendSkuEvents(
  tx: Transaction<unknown>,
  appends: readonly SkuAppend[],
  loaded: Map<string, LoadedSku>,
  cause: AppendCause,
): Promise<void> {
  for (const { sku, events } of appends) {
    const before = loaded.get(sku) ?? { state: skuDecider.initialState(), version: 0 };
    const appended = await appendToStream(tx, skuStreamId(sku), events, {
      streamType: skuDecider.streamType,
      expectedVersion: before.version, // 0 = the stream must not exist yet
      knownTypes: skuDecider.eventTypes,
      correlationId: cause.correlationId,
      causationId: cause.causationId,
      ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
    });
    const state = appended.events.reduce((s, e) => skuDecider.evolve(s, e), before.state);
    loaded.set(sku, { state, version: appended.nextExpectedVersion });
  }
}

/**
 * For each SKU appended to since it was at version `before`: the snapshot when one is due, and its
 * `stock_levels` row as `loaded` has it now.
 */
export async function saveSkus(
  tx: Transaction<unknown>,
  before: ReadonlyMap<string, number>,
  loaded: ReadonlyMap<string, LoadedSku>,
  names: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const changed: [string, LoadedSku][] = [];
  for (const [sku, fromVersion] of before) {
    const after = loaded.get(sku);
    if (!after || after.version === fromVersion) continue;
    await maybeSnapshot(tx, skuStreamId(sku), skuDecider, after.state, fromVersion, after.version);
    changed.push([sku, after]);
  }
  await saveStockLevels(tx, changed, names);
}

/** The `stock_levels` rows of these SKUs, in one statement. */
async function saveStockLevels(
  tx: Transaction<unknown>,
  skus: readonly [string, LoadedSku][],
  names: ReadonlyMap<string, string>,
): Promise<void> {
  if (skus.length === 0) return;
  const updatedAt = new Date();
  await (tx as Transaction<InventoryDatabase>)
    .insertInto('stock_levels')
    .values(
      skus.map(([sku, { state, version }]) => ({
        sku,
        name: names.get(sku) ?? null,
        on_hand: state.onHand,
        reserved: state.reserved,
        version,
        updated_at: updatedAt,
      })),
    )
    .onConflict((oc) =>
      oc.column('sku').doUpdateSet({
        on_hand: (eb) => eb.ref('excluded.on_hand'),
        reserved: (eb) => eb.ref('excluded.reserved'),
        version: (eb) => eb.ref('excluded.version'),
        updated_at: (eb) => eb.ref('excluded.updated_at'),
        // A name given now replaces the old one; no name keeps it.
        name: sql`coalesce(excluded.name, stock_levels.name)`,
      }),
    )
    .execute();
}
