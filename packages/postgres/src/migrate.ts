import { Migrator, type Kysely, type Migration } from 'kysely';

/** One package's migrations. Names sort in the order they run (timestamps); landed ones are frozen. */
export interface MigrationSet {
  /** Owner, e.g. "event_store": its bookkeeping tables are `<name>_migrations` and `…_lock`. */
  name: string;
  migrations: Record<string, Migration>;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Bring a database up to date with several packages' migrations, each tracked on its own, so the
 * event store, the outbox and an app can evolve independently in one database. Concurrent callers
 * are serialised by kysely's migration lock.
 *
 * @example
 *   await migrate(db, eventStoreMigrations, outboxMigrations);
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Database type is accepted
export async function migrate(db: Kysely<any>, ...sets: MigrationSet[]): Promise<string[]> {
  const applied: string[] = [];
  for (const set of sets) {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(set.migrations) },
      migrationTableName: `${set.name}_migrations`,
      migrationLockTableName: `${set.name}_migrations_lock`,
    });
    const { error, results = [] } = await migrator.migrateToLatest();
    const failed = results.find((r) => r.status === 'Error');
    if (error !== undefined || failed) {
      const cause = error instanceof Error ? error.message : String(error);
      throw new MigrationError(`${set.name}: migration ${failed?.migrationName ?? '?'} failed: ${cause}`, {
        cause: error,
      });
    }
    applied.push(...results.map((r) => `${set.name}/${r.migrationName}`));
  }
  return applied;
}
