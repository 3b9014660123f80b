import { sql, type Kysely } from 'kysely';

// Frozen once landed: change these tables with a new migration, never by editing this one.
//
// The bundled provider simulator's ledger. A real provider keeps its records on its side, across
// our restarts and for every one of our instances; the simulator keeps them here, in a schema of
// its own, so none of the payment service's queries mistakes them for the service's own state.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE SCHEMA provider_simulator`.execute(db);

  // Every charge call per idempotency key, timeouts and repeats included (tok_timeout counts them).
  await sql`CREATE TABLE provider_simulator.calls (
    idempotency_key text PRIMARY KEY,
    calls integer NOT NULL CHECK (calls > 0)
  )`.execute(db);

  // At most one charge per key (the primary key), its result kept as first given.
  await sql`CREATE TABLE provider_simulator.charges (
    idempotency_key text PRIMARY KEY,
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency text NOT NULL,
    token text NOT NULL,
    status text NOT NULL CHECK (status IN ('succeeded', 'declined', 'pending')),
    provider_payment_id text UNIQUE,
    decline_code text,
    decline_reason text,
    money_moved boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'declined') = (provider_payment_id IS NULL)),
    CHECK ((status = 'declined') = (decline_code IS NOT NULL AND decline_reason IS NOT NULL))
  )`.execute(db);

  // The webhook an asynchronous charge owes, written with the charge; delivered_at once it landed.
  await sql`CREATE TABLE provider_simulator.confirmations (
    provider_payment_id text PRIMARY KEY REFERENCES provider_simulator.charges (provider_payment_id),
    outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_at timestamptz
  )`.execute(db);
  await sql`CREATE INDEX confirmations_due ON provider_simulator.confirmations (created_at)
    WHERE delivered_at IS NULL`.execute(db);

  // At most one refund per key (primary key) and per payment (unique): a second is refused.
  await sql`CREATE TABLE provider_simulator.refunds (
    idempotency_key text PRIMARY KEY,
    provider_payment_id text NOT NULL UNIQUE REFERENCES provider_simulator.charges (provider_payment_id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency text NOT NULL,
    provider_refund_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SCHEMA provider_simulator CASCADE`.execute(db);
}
