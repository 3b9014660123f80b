import { z } from 'zod';
import { orderLimits } from '../domain/index.js';

/**
 * POST /orders. Types and bounds only; the domain's `validatePlaceOrder` has the last word on
 * values (an e-mail's shape, a total that overflows), and the catalogue on SKUs.
 *
 * The customer is the bearer token's subject. A body that still names one is refused (400 on the
 * field `customerId`) rather than silently ignored: a client that believes it chooses the customer
 * learns at once that it does not.
 */
export const placeOrderBody = z.object({
  customerId: z
    .never({ error: 'not accepted: the customer is the subject of the bearer token' })
    .optional()
    .meta({ description: 'Not accepted: the customer is the subject of the bearer token.' }),
  customerEmail: z.string().min(1).max(orderLimits.maxEmailLength),
  customerName: z.string().min(1).max(orderLimits.maxNameLength).nullish(),
  lines: z
    .array(
      z.object({
        sku: z.string().min(1).max(orderLimits.maxSkuLength),
        quantity: z.int().min(1).max(orderLimits.maxQuantity),
        unitPriceMinor: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .min(1)
    .max(orderLimits.maxLines),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code of three capital letters, e.g. EUR'),
  paymentToken: z.string().min(1).max(orderLimits.maxPaymentTokenLength),
});

export type PlaceOrderBody = z.infer<typeof placeOrderBody>;

/** The optional Idempotency-Key header: any printable ASCII, like a UUID the client made. */
export const idempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 printable ASCII characters without spaces')
  .optional();

/** GET /orders/:id time travel: the order after a version of its stream, or at an instant. */
export const orderQuery = z
  .object({
    asOfVersion: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
    asOf: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 timestamp, e.g. 2026-12-01T12:00:00Z' })
      .transform((value) => new Date(value))
      .optional(),
  })
  .refine((query) => query.asOfVersion === undefined || query.asOf === undefined, {
    message: 'give asOfVersion or asOf, not both',
    path: ['asOf'],
  });

export type OrderQuery = z.infer<typeof orderQuery>;
