import type { Kysely, Transaction } from 'kysely';
import type { CatalogueTable } from './catalogue.table.js';

/**
 * The order service's own tables. The event store, outbox, inbox and deadline tables belong to
 * their packages, which type them themselves.
 */
export interface OrderDatabase {
  catalogue: CatalogueTable;
}

export type OrderDb = Kysely<OrderDatabase> | Transaction<OrderDatabase>;
