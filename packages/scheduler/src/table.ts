import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

/** Any value `JSON.stringify` turns into JSON that parses back to itself. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The `deadlines` table as kysely sees it (ids arrive as bigint through `@acme/postgres` connect). */
export interface DeadlinesTable {
  id: Generated<bigint>;
  kind: string;
  key: string;
  due_at: ColumnType<Date, Date, Date>;
  /** Written as JSON text: `pg` would turn a JS array into a Postgres array, not a JSON one. */
  payload: ColumnType<JsonValue, string, string>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  fired_at: Date | null;
  cancelled_at: Date | null;
}

export interface SchedulerDatabase {
  deadlines: DeadlinesTable;
}

/**
 * Any service database as the scheduler sees it. The app's own `Database` interface need not list
 * the deadlines table (the scheduler migrations create it), so the table is typed here.
 */
export function deadlinesView<DB>(db: Kysely<DB> | Transaction<DB>): Kysely<SchedulerDatabase> {
  return db as unknown as Kysely<SchedulerDatabase>;
}
