import type { EventStoreDatabase } from '@acme/event-store';
import type { StockLevelsTable } from './stock-levels.table.js';

/** Inventory's own tables (the event store's, outbox's and inbox's come with the platform). */
export interface InventoryDatabase extends EventStoreDatabase {
  stock_levels: StockLevelsTable;
}
