import { platformConfigSchema } from '@acme/service';
import { z } from 'zod';

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/** Inventory's environment: the platform's variables (port 3002, database `inventory`) and its own. */
export const inventoryConfigSchema = platformConfigSchema({ port: 3002, database: 'inventory' }).extend({
  /**
   * Per-SKU advisory locks before reading SKU streams. On by default: without them, concurrent
   * orders on a hot SKU mostly fail their version check and retry (see `lockSkus`).
   */
  INVENTORY_SKU_LOCKS: flag.default(true),
  /** Attempts of one reservation step on version conflicts before the message is retried later. */
  INVENTORY_CONFLICT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
});

export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;
