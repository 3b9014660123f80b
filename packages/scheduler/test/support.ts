/** Shared test plumbing: a database of the test file's own, with the deadlines and an effects table. */
import { connect, migrate } from '@acme/postgres';
import { scratchDatabase as createScratchDatabase, testStack } from '@acme/testing';
import { sql, type Kysely } from 'kysely';
import { schedulerMigrations, type SchedulerDatabase } from '../src/index.js';

/** What handlers write in tests: one row per effect, so duplicates show. */
export interface EffectsTable {
  kind: string;
  key: string;
  worker: string;
}

export interface TestDatabase extends SchedulerDatabase {
  effects: EffectsTable;
}

export interface ScratchDatabase {
  url: string;
  db: Kysely<TestDatabase>;
  /** Another pool on the same database (closed by `drop`). */
  pool(max?: number): Kysely<TestDatabase>;
  drop(): Promise<void>;
}

/** The deadlines table name is fixed, so every test file works in a database created for it. */
export async function scratchDatabase(): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase(testStack(), 'scheduler_test');
  const db = connect<TestDatabase>({ url: scratch.url, max: 4 });
  await migrate(db, schedulerMigrations);
  await sql`CREATE TABLE effects (kind text NOT NULL, key text NOT NULL, worker text NOT NULL)`.execute(db);
  const pools: Kysely<TestDatabase>[] = [db];
  return {
    url: scratch.url,
    db,
    pool(max = 4) {
      const extra = connect<TestDatabase>({ url: scratch.url, max });
      pools.push(extra);
      return extra;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.destroy()));
      await scratch.drop();
    },
  };
}

export async function effects(db: Kysely<TestDatabase>, kind: string): Promise<EffectsTable[]> {
  return db.selectFrom('effects').selectAll().where('kind', '=', kind).orderBy('key').execute();
}

export async function deadlineRow(db: Kysely<TestDatabase>, kind: string, key: string) {
  return db
    .selectFrom('deadlines')
    .selectAll()
    .where('kind', '=', kind)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** A date `ms` from now (negative: already due). */
export function inMs(ms: number): Date {
  return new Date(Date.now() + ms);
}
