import { sql, type Kysely } from 'kysely';

// Frozen once landed: change the table with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE stock_levels (
    sku text PRIMARY KEY,
    name text NULL,
    on_hand bigint NOT NULL CHECK (on_hand >= 0),
    reserved bigint NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
    version integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE stock_levels`.execute(db);
}
