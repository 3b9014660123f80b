import { z } from 'zod';

const id = z.string().trim().min(1).max(200);

/** POST /webhooks/provider: the provider's confirmation of an asynchronous payment. */
export const providerWebhookBody = z
  .object({
    id: id.describe("The provider's event id; a redelivery keeps it."),
    orderId: id.describe('The order (the charge’s idempotency key).'),
    providerPaymentId: id.describe("The provider's payment, as the charge answered it."),
    outcome: z.enum(['succeeded', 'failed']),
  })
  .describe('Signed: webhook-timestamp (epoch seconds) and webhook-signature (v1=<hex HMAC-SHA256>).');

export type ProviderWebhookRequest = z.infer<typeof providerWebhookBody>;
