import { sql, type Kysely } from 'kysely';

// Frozen once landed: change the outbox with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE outbox (
    position bigserial PRIMARY KEY,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    topic text NOT NULL CHECK (topic <> ''),
    key text NOT NULL CHECK (key <> ''),
    headers jsonb NOT NULL,
    payload bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    dispatched_at timestamptz NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text NULL
  )`.execute(db);
  // The relay's read: pending rows in commit order. Small, because dispatched rows leave it.
  await sql`CREATE INDEX outbox_pending ON outbox (transaction_id, position) WHERE dispatched_at IS NULL`.execute(
    db,
  );
  // Pruning finds old dispatched rows without scanning the pending ones.
  await sql`CREATE INDEX outbox_dispatched ON outbox (dispatched_at) WHERE dispatched_at IS NOT NULL`.execute(
    db,
  );
  // One notification per inserting statement wakes the relay; Postgres folds identical
  // notifications of one transaction into one and delivers it only on commit.
  await sql`CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('outbox', '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE outbox`.execute(db);
  await sql`DROP FUNCTION outbox_notify()`.execute(db);
}
