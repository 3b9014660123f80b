/** Inventory's own DI tokens. */

/** `InventoryOptions`: how the application layer behaves (from the configuration). */
export const INVENTORY_OPTIONS = Symbol('INVENTORY_OPTIONS');

export interface InventoryOptions {
  /** Take per-SKU advisory locks before reading SKU streams (see `lockSkus`). */
  skuLocks: boolean;
  /** Attempts of one multi-stream step when another writer moved a stream in between. */
  conflictAttempts: number;
}
