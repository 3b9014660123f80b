import { platformConfigSchema } from '@acme/service';
import { z } from 'zod';

/**
 * The analytics service's environment: the platform's variables plus where traces are looked at
 * (a timeline links each event to its trace there).
 */
export const analyticsConfigSchema = platformConfigSchema({
  port: 3005,
  database: 'analytics',
}).extend({
  /** Base URL of the Jaeger UI; a trace link is `<JAEGER_UI_URL>/trace/<traceId>`. */
  JAEGER_UI_URL: z
    .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .default('http://127.0.0.1:16686'),
});

export type AnalyticsConfig = z.infer<typeof analyticsConfigSchema>;
