import { platformConfigSchema } from '@acme/service';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/**
 * The notification service's environment: the platform's variables plus where and as whom it sends
 * e-mail. SMTP_URL carries everything the transport needs (`smtp://` or `smtps://`, optional
 * `user:pass@`, nodemailer options as query parameters).
 */
export const notificationConfigSchema = platformConfigSchema({
  port: 3004,
  database: 'notifications',
}).extend({
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL' }),
  /** The From header of every e-mail; one line (a line break would start a new header). */
  MAIL_FROM: z
    .string()
    .min(1)
    .regex(/^[^\r\n]+$/, 'one line')
    .default('Acme Shop <orders@acme.test>'),
  /**
   * Connection, greeting and socket timeout of the SMTP client: a send holds its job's row lock and
   * transaction, so a mail server that hangs must fail it (and the job retry later) rather than stall.
   */
  SMTP_TIMEOUT_MS: positiveInt.default(10_000),
});

export type NotificationConfig = z.infer<typeof notificationConfigSchema>;
