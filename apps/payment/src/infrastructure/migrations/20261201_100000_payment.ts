import { sql, type Kysely } from 'kysely';

// Frozen once landed: change these tables with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE webhook_receipts (
    signature text PRIMARY KEY,
    webhook_id text NOT NULL UNIQUE,
    order_id text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
  // For pruning: a signature older than the tolerance is refused as stale anyway.
  await sql`CREATE INDEX webhook_receipts_received ON webhook_receipts USING brin (received_at)`.execute(db);

  await sql`CREATE TABLE provider_timeouts (
    order_id text NOT NULL,
    call text NOT NULL CHECK (call IN ('charge', 'refund')),
    timeouts integer NOT NULL,
    last_error text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, call)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE provider_timeouts`.execute(db);
  await sql`DROP TABLE webhook_receipts`.execute(db);
}
