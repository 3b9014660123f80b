import { sql, type Kysely } from 'kysely';

// Frozen once landed: change the catalogue with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE catalogue (
    sku text PRIMARY KEY CHECK (sku <> ''),
    first_added_at timestamptz NOT NULL,
    last_added_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE catalogue`.execute(db);
}
