import type { Handler } from '@acme/messaging';
import type { Transaction } from 'kysely';

/**
 * A read model built from Kafka: what tables one generation has, and the handlers that fill them.
 * Both take the generation's Postgres schema, so a rebuild can fill fresh tables while the
 * current ones keep serving. Handlers run in the consumer runtime's inbox transaction (each event
 * takes effect once per generation) and must write only inside `schema`: a rebuild re-reads every
 * topic from the beginning, and any other effect would fire again.
 *
 * @example
 *   const salesProjection: ProjectionSpec<SalesDb> = {
 *     name: 'sales',
 *     topics: ['order.events'],
 *     createTables: async (tx, schema) => {
 *       await sql`CREATE TABLE ${sql.id(schema, 'totals')} (day date PRIMARY KEY, orders int NOT NULL)`.execute(tx);
 *     },
 *     handlers: (schema) => [{ type: 'com.acme.order.placed.v2', handle: (event, tx) => count(tx.withSchema(schema), event) }],
 *   };
 */
export interface ProjectionSpec<DB = unknown> {
  /**
   * Names the generations' schemas (`<name>_g<N>`) and consumer groups (`<name>.g<N>`); lower
   * case letters, digits and underscores.
   */
  readonly name: string;
  /** Topics the handlers read (without the deployment's topic prefix). */
  readonly topics: readonly string[];
  /** Creates one generation's tables and indexes in `schema`, which exists and is empty. */
  createTables(tx: Transaction<DB>, schema: string): Promise<void>;
  /** The handlers of one generation, writing into `schema`. */
  handlers(schema: string): readonly Handler<DB, never>[];
}
