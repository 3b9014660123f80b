import type { ColumnType, Selectable } from 'kysely';

/**
 * The SKUs an order may name: learned from inventory's StockAdded (choreography, no call to
 * inventory). A SKU never leaves it — whether there is enough stock is inventory's decision, made
 * when it sees the order.
 */
export interface CatalogueTable {
  sku: string;
  first_added_at: ColumnType<Date, Date, never>;
  last_added_at: ColumnType<Date, Date, Date>;
}

export type CatalogueRow = Selectable<CatalogueTable>;
