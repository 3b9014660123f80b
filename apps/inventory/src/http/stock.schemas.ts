import { inventoryLimits } from '../domain/index.js';
import { z } from 'zod';

/** Avro `int` of the contracts: the most one event can carry. */
const maxInt = 2_147_483_647;

/** Letters, digits, `.`, `_`, `-`: safe in stream ids, URLs and Kafka keys, no look-alike spaces. */
export const skuSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(inventoryLimits.maxSkuLength, `must be at most ${inventoryLimits.maxSkuLength} characters`)
  .regex(
    /^([A-Za-z0-9][A-Za-z0-9._-]*)?$/,
    'letters, digits, ".", "_" and "-" only, starting with a letter or digit',
  );

const stockItem = z.strictObject({
  sku: skuSchema,
  quantity: z
    .number({ error: 'must be a positive integer' })
    .int('must be a positive integer')
    .min(1, 'must be a positive integer')
    .max(maxInt, `must be at most ${maxInt}`),
  /** Display name of the SKU (kept with its stock figures; not part of the published event). */
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
});

const batch = z.strictObject({
  items: z.array(stockItem).min(1, 'must not be empty').max(100, 'at most 100 items'),
});

/**
 * POST /admin/stock: one SKU `{ sku, quantity, name? }`, or several at once
 * `{ items: [{ sku, quantity, name? }, …] }` (1–100 items, all added or none). For the OpenAPI
 * document; requests are validated by `addStockSchemaFor`, which picks the shape first so that
 * field errors name fields (a union only says "invalid input" when no shape fits).
 */
export const addStockBody = z.union([stockItem, batch]);
export type AddStockBody = z.output<typeof addStockBody>;

export const addStockSchemaFor = (body: unknown): typeof stockItem | typeof batch =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'items' in body ? batch : stockItem;
