// Frozen once landed: change the schema with a new migration, never by editing this one.
import { sql, type Kysely } from 'kysely';

/**
 * An append is now a single prepared INSERT guarded by the (stream_id, version) unique index (see
 * append.ts): the streams table, whose row every append moved and locked, and the function that
 * kept it go. A stream's version is its last event's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION event_store_append(text, text, text, integer, text[], jsonb[], jsonb[], integer[])`.execute(
    db,
  );
  await db.schema.dropTable('streams').execute();
}
