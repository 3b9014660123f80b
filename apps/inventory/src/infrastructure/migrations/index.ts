import type { MigrationSet } from '@acme/postgres';
import * as m20261123_150000 from './20261123_150000_stock_levels.js';

/** Inventory's own tables, run by the platform after the event store's, outbox's and inbox's. */
export const inventoryMigrations: MigrationSet = {
  name: 'inventory',
  migrations: { '20261123_150000_stock_levels': m20261123_150000 },
};
