import { testStack } from '@acme/testing';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { connect, databaseUrl, executePrepared, preparedStatement } from '../src/index.js';

const square = preparedStatement('prepared_test_square', 'SELECT $1::integer * $1::integer AS square');

let db: Kysely<unknown>;
let plain: Kysely<unknown>;

beforeAll(() => {
  const url = databaseUrl(testStack().databaseUrl, 'orders');
  db = connect({ url, max: 1 });
  plain = new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
});

afterAll(async () => {
  await db.destroy();
  await plain.destroy();
});

const preparedOn = (connection: Kysely<unknown>) =>
  sql<{ name: string; statement: string; executions: bigint }>`
    SELECT name, statement, generic_plans + custom_plans AS executions FROM pg_prepared_statements`
    .execute(connection)
    .then((r) => r.rows);

it('is parsed once per connection and executed by name after that', async () => {
  const { results, prepared } = await db.connection().execute(async (connection) => ({
    results: await Promise.all([2, 3, 4].map((n) => executePrepared(connection, square, [n]))),
    prepared: await preparedOn(connection),
  }));
  expect(results).toEqual([[{ square: 4 }], [{ square: 9 }], [{ square: 16 }]]);
  expect(prepared).toEqual([{ name: square.name, statement: square.text, executions: 3n }]);
});

it('runs unnamed, with the same result, on a kysely instance that connect did not make', async () => {
  const { result, prepared } = await plain.connection().execute(async (connection) => ({
    result: await executePrepared(connection, square, [5]),
    prepared: await preparedOn(connection),
  }));
  expect(result).toEqual([{ square: 25 }]);
  expect(prepared).toEqual([]);
});

it('leaves queries it was not told of unnamed', async () => {
  const prepared = await db.connection().execute(async (connection) => {
    await sql`SELECT ${6}::integer * ${6}::integer AS square`.execute(connection);
    return preparedOn(connection);
  });
  expect(prepared.map((p) => p.name)).toEqual([square.name]);
});

it('refuses a name declared twice with different texts, and one text under two names', () => {
  expect(() => preparedStatement('prepared_test_square', 'SELECT 1')).toThrow(
    'prepared statement "prepared_test_square" is already declared with another text',
  );
  expect(() => preparedStatement('prepared_test_other', square.text)).toThrow(
    'prepared statements "prepared_test_square" and "prepared_test_other" have the same text',
  );
  expect(preparedStatement(square.name, square.text)).toEqual(square);
});
