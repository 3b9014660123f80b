import { platformConfigSchema } from '@acme/service';
import { z } from 'zod';

/** What the order service reads from its environment: the platform's variables and its own. */
export const orderConfigSchema = platformConfigSchema({ port: 3001, database: 'orders' }).extend({
  /** An order not confirmed this long after it was placed is cancelled with reason TIMEOUT. */
  ORDER_DEADLINE_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * POST /orders per customer (token subject) per ORDER_RATE_WINDOW_MS; more → 429 with Retry-After.
   * Generous by default (the benches place thousands of orders, each for its own customer).
   */
  ORDER_RATE_LIMIT: z.coerce.number().int().positive().default(1_200),
  ORDER_RATE_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * Most orders placed in one transaction (group commit): requests that arrive while earlier ones
   * commit go together. 1 turns grouping off.
   */
  ORDER_PLACE_GROUP_MAX: z.coerce.number().int().min(1).max(1_000).default(64),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;
