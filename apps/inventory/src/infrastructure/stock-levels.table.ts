import type { ColumnType, Insertable, Selectable } from 'kysely';

/** bigint columns arrive as `bigint` (the pool's int8 parser); written as numbers. */
type Count = ColumnType<bigint, number, number>;

/**
 * `stock_levels`: one row per SKU, the current figures of its stream. Written in the same
 * transaction as every append to the SKU's stream (see `sku-streams.ts`), so it is never behind.
 */
export interface StockLevelsTable {
  sku: string;
  /** Display name given at the admin endpoint; a label, not part of the stock facts (null if never given). */
  name: string | null;
  on_hand: Count;
  reserved: Count;
  /** The SKU stream's version these figures reflect. */
  version: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type StockLevelRow = Selectable<StockLevelsTable>;
export type NewStockLevelRow = Insertable<StockLevelsTable>;
