import { sql, type Kysely } from 'kysely';

// Frozen once landed: change the deadlines table with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE deadlines (
    id bigserial PRIMARY KEY,
    kind text NOT NULL CHECK (kind <> ''),
    key text NOT NULL CHECK (key <> ''),
    due_at timestamptz NOT NULL,
    payload jsonb NOT NULL DEFAULT 'null',
    attempts integer NOT NULL DEFAULT 0,
    last_error text NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    fired_at timestamptz NULL,
    cancelled_at timestamptz NULL,
    CONSTRAINT deadlines_kind_key UNIQUE (kind, key),
    CONSTRAINT deadlines_fired_or_cancelled CHECK (fired_at IS NULL OR cancelled_at IS NULL)
  )`.execute(db);
  // The workers' claim and the metrics: due pending rows. Small, because finished rows leave it.
  await sql`CREATE INDEX deadlines_due ON deadlines (due_at)
    WHERE fired_at IS NULL AND cancelled_at IS NULL`.execute(db);
  // Pruning finds old finished rows without scanning the pending ones.
  await sql`CREATE INDEX deadlines_finished ON deadlines ((coalesce(fired_at, cancelled_at)))
    WHERE fired_at IS NOT NULL OR cancelled_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE deadlines`.execute(db);
}
