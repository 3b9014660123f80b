import type { ProjectionSpec } from '@acme/projections';
import { createAnalyticsTables } from './ddl.js';
import { analyticsHandlers } from './handlers.js';
import type { AnalyticsDatabase } from './tables.js';

/**
 * The analytics read model: every lifecycle event of the three topics, projected into the four
 * tables of a generation's schema. Each event type's handler writes a whole run of events with one
 * statement (see `handlers.ts`); the result does not depend on the order the topics are read in.
 *
 * @example
 *   await analyticsProjection.createTables(tx, 'analytics_g2');
 *   const handlers = analyticsProjection.handlers('analytics_g2');
 */
export const analyticsProjection: ProjectionSpec<AnalyticsDatabase> = {
  name: 'analytics',
  topics: ['order.events', 'inventory.events', 'payment.events'],
  createTables: (tx, schema) => createAnalyticsTables(tx, schema),
  handlers: (schema) => analyticsHandlers(schema),
};
