import { randomUUID } from 'node:crypto';
import { testStack } from '@acme/testing';
import { sql, type Kysely, type Migration } from 'kysely';
import { connect, migrate, MigrationError } from '../src/index.js';

const suffix = randomUUID().slice(0, 8);
let db: Kysely<unknown>;

const createTable = (name: string): Migration => ({
  up: async (d) => {
    await d.schema.createTable(name).addColumn('id', 'integer').execute();
  },
});

beforeAll(() => {
  const stack = testStack();
  db = connect({ url: stack.databaseUrl, database: 'orders', max: 2 });
});

afterAll(async () => {
  const tables = [`a_${suffix}`, `b_${suffix}`].concat(
    [`set_a_${suffix}`, `set_b_${suffix}`].flatMap((set) => [`${set}_migrations`, `${set}_migrations_lock`]),
  );
  for (const name of tables) await sql`DROP TABLE IF EXISTS ${sql.table(name)}`.execute(db);
  await db.destroy();
});

describe('migrate', () => {
  const setA = { name: `set_a_${suffix}`, migrations: { '20261123_000000_a': createTable(`a_${suffix}`) } };
  const setB = { name: `set_b_${suffix}`, migrations: { '20261123_000000_b': createTable(`b_${suffix}`) } };

  it('applies each package’s migrations, tracked separately, once', async () => {
    expect(await migrate(db, setA, setB)).toEqual([
      `${setA.name}/20261123_000000_a`,
      `${setB.name}/20261123_000000_b`,
    ]);
    expect(await migrate(db, setA, setB)).toEqual([]);
  });

  it('names the set and the migration that failed', async () => {
    const broken = {
      name: setA.name,
      migrations: {
        ...setA.migrations,
        '20261124_000000_broken': {
          up: async (d: Kysely<unknown>) => {
            await sql`SELECT nope`.execute(d);
          },
        },
      },
    };
    const attempt = migrate(db, broken);
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(migrate(db, broken)).rejects.toThrow(
      `${setA.name}: migration 20261124_000000_broken failed`,
    );
  });
});
