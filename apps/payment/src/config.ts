import { platformConfigSchema } from '@acme/service';
import { z } from 'zod';

/**
 * The payment service's configuration: the platform's variables plus the provider webhook's secret
 * and tolerance, how often a provider timeout is retried, and the simulator's own webhook delivery.
 */
export const paymentConfigSchema = platformConfigSchema({ port: 3003, database: 'payments' }).extend({
  /** HMAC key shared with the provider. Never logged (the config is never logged as a whole). */
  PAYMENT_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters'),
  /** How far a webhook's timestamp may be from now, either way, in seconds. */
  PAYMENT_WEBHOOK_TOLERANCE_S: z.coerce.number().int().positive().default(300),
  /**
   * Provider calls that time out, per order, before the charge is given up as failed
   * (code provider_timeout). Each repeat is the same idempotent call, made by the consumer's retry.
   */
  PAYMENT_PROVIDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /**
   * When set, the bundled simulator delivers the signed webhook of an asynchronous payment to this
   * URL itself (the demo); unset, asynchronous payments wait for a webhook from outside (tests).
   */
  PAYMENT_SIMULATOR_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'an http(s):// URL' }).optional(),
  /** How long the simulator waits before delivering that webhook. */
  PAYMENT_SIMULATOR_WEBHOOK_DELAY_MS: z.coerce.number().int().min(0).default(1_000),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;
