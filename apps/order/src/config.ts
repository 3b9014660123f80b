import { platformConfigSchema } from '@acme/service';
import { z } from 'zod';

/** What the order service reads from its environment: the platform's variables and its own. */
export const orderConfigSchema = platformConfigSchema({ port: 3001, database: 'orders' }).extend({
  /** An order not confirmed this long after it was placed is cancelled with reason TIMEOUT. */
  ORDER_DEADLINE_MS: z.coerce.number().int().positive().default(30_000),
});

export type OrderConfig = z.infer<typeof orderConfigSchema>;
