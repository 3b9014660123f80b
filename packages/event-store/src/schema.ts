import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { EventMetadata } from './metadata.js';

/** One row per stream: its type and current version, the row appends lock and compare against. */
export interface StreamsTable {
  stream_id: string;
  stream_type: string;
  version: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The log itself. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
export interface EventsTable {
  global_position: Generated<bigint>;
  transaction_id: Generated<bigint>;
  stream_id: string;
  stream_type: string;
  version: number;
  type: string;
  data: ColumnType<unknown, string, never>;
  metadata: ColumnType<EventMetadata, string, never>;
  schema_version: number;
  recorded_at: Generated<Date>;
}

export interface SnapshotsTable {
  stream_id: string;
  version: number;
  schema_version: number;
  state: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

/** The first result of a command, by its idempotency key. */
export interface CommandResultsTable {
  idempotency_key: string;
  /** Hash of the command, so a key reused for a different command is refused, not answered. */
  fingerprint: string;
  result: ColumnType<unknown, string, never>;
  created_at: Generated<Date>;
}

export interface EventStoreDatabase {
  streams: StreamsTable;
  events: EventsTable;
  snapshots: SnapshotsTable;
  command_results: CommandResultsTable;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
