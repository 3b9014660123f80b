import { sql, type Kysely } from 'kysely';

// Frozen once landed: change these tables with a new migration, never by editing this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per (consumer group, event id) handled, written in the handler's transaction: a
  // redelivered or dual-published event finds its row and is skipped.
  await sql`CREATE TABLE inbox (
    consumer text NOT NULL,
    message_id text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
  )`.execute(db);
  // For pruning by age. BRIN: rows arrive in time order, so a block-range index finds old ones
  // at almost no cost per insert (a btree here doubled the inbox's write cost).
  await sql`CREATE INDEX inbox_received ON inbox USING brin (received_at)`.execute(db);

  // Each replay request, dry runs included: what, when, by whom, with what result.
  await sql`CREATE TABLE dlq_replays (
    id bigserial PRIMARY KEY,
    consumer_group text NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    selection jsonb NOT NULL,
    dry_run boolean NOT NULL,
    matched integer NOT NULL DEFAULT 0,
    replayed integer NOT NULL DEFAULT 0,
    result text NOT NULL DEFAULT 'running' CHECK (result IN ('running', 'succeeded', 'failed')),
    error text NULL,
    finished_at timestamptz NULL
  )`.execute(db);

  // The queryable index of the consumer group's dead-letter topic, with the original bytes, so
  // depth, listing and replay need no scan of the topic.
  await sql`CREATE TABLE dead_letters (
    id bigserial PRIMARY KEY,
    consumer_group text NOT NULL,
    event_id text NULL,
    event_type text NULL,
    reason text NOT NULL,
    error_class text NOT NULL,
    error_message text NOT NULL,
    attempts integer NOT NULL,
    first_failure_at timestamptz NOT NULL,
    last_failure_at timestamptz NOT NULL,
    source_topic text NOT NULL,
    source_partition integer NOT NULL,
    source_offset bigint NOT NULL,
    dlq_partition integer NOT NULL,
    dlq_offset bigint NOT NULL,
    message_key bytea NULL,
    headers jsonb NOT NULL,
    payload bytea NULL,
    status text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'replayed', 'resolved')),
    replay_id bigint NULL REFERENCES dlq_replays (id),
    resolved_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (consumer_group, source_topic, source_partition, source_offset)
  )`.execute(db);
  await sql`CREATE INDEX dead_letters_parked ON dead_letters (consumer_group, created_at)
    WHERE status = 'parked'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE dead_letters`.execute(db);
  await sql`DROP TABLE dlq_replays`.execute(db);
  await sql`DROP TABLE inbox`.execute(db);
}
