import { sql, type Kysely } from 'kysely';

// Frozen once landed: change this table with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per generation of a read model: its schema, its consumer group, where it is in its
  // life. Rows stay after the schema is dropped, as the history of rebuilds.
  await sql`CREATE TABLE projection_generations (
    projection text NOT NULL,
    generation integer NOT NULL CHECK (generation > 0),
    schema_name text NOT NULL UNIQUE,
    group_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('building', 'active', 'retired', 'abandoned', 'dropped')),
    created_at timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz NULL,
    retired_at timestamptz NULL,
    dropped_at timestamptz NULL,
    PRIMARY KEY (projection, generation)
  )`.execute(db);
  // At most one generation serves and at most one is being built, per read model: a second
  // rebuild request, or two instances switching at once, meets this index.
  await sql`CREATE UNIQUE INDEX projection_generations_one_active
    ON projection_generations (projection) WHERE status = 'active'`.execute(db);
  await sql`CREATE UNIQUE INDEX projection_generations_one_building
    ON projection_generations (projection) WHERE status = 'building'`.execute(db);
}
