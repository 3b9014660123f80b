import type { Kysely } from 'kysely';
import type { AnalyticsDatabase } from './read-model/tables.js';

/**
 * The read model as the query side sees it: the database, and the schema of the generation that
 * serves now. Ask for `schema()` per query: a blue/green rebuild switches it while the app runs.
 *
 * @example
 *   const rows = await readModel.db.withSchema(readModel.schema()).selectFrom('order_view').selectAll().execute();
 */
export interface ReadModel {
  readonly db: Kysely<AnalyticsDatabase>;
  schema(): string;
}

export const READ_MODEL = Symbol('READ_MODEL');
