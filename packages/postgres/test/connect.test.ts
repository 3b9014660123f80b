import { eventually, testStack } from '@acme/testing';
import { sql, type Kysely } from 'kysely';
import { connect } from '../src/index.js';

let db: Kysely<unknown>;
let admin: Kysely<unknown>;

beforeAll(() => {
  const stack = testStack();
  db = connect({ url: stack.databaseUrl, database: 'orders', max: 2, applicationName: 'connect-test' });
  admin = connect({ url: stack.databaseUrl, database: 'orders', max: 1 });
});

afterAll(async () => {
  await db.destroy();
  await admin.destroy();
});

it('a connection killed while a transaction waits between queries fails that transaction, not the process', async () => {
  const outcome = db.transaction().execute(async (tx) => {
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
    const pid = rows[0]?.pid;
    // The server ends the backend while the transaction holds it between two queries — as a
    // Postgres restart does to a transaction waiting on a mail server. Without a listener for the
    // client's 'error' event node would crash here (jest reports it as an uncaught error).
    // With a timeout, pg_terminate_backend returns once the backend has exited: its FATAL message
    // is on our client's socket by then.
    await sql`SELECT pg_terminate_backend(${pid}::int, 5000)`.execute(admin);
    await eventually(async () => {
      const { rows: alive } = await sql`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}::int`.execute(
        admin,
      );
      return alive.length === 0 ? true : undefined;
    });
    await sql`SELECT 1`.execute(tx);
  });
  await expect(outcome).rejects.toThrow();
  // The pool replaces the dead connection: the next query works.
  const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
  expect(rows).toEqual([{ one: 1 }]);
});

it("applies the session settings it is given to every connection of the pool, with the URL's own", async () => {
  const url = new URL(testStack().databaseUrl);
  url.searchParams.set('options', '-c statement_timeout=5s');
  const tuned = connect({
    url: url.toString(),
    database: 'orders',
    max: 2,
    settings: { enable_bitmapscan: 'off', DateStyle: 'SQL, DMY' },
  });
  try {
    const show = () =>
      sql<{ bitmap: string; style: string; timeout: string }>`
        SELECT current_setting('enable_bitmapscan') AS bitmap, current_setting('DateStyle') AS style,
               current_setting('statement_timeout') AS timeout`.execute(tuned);
    // Two at once, so both connections of the pool answer.
    const answers = await Promise.all([show(), show()]);
    expect(answers.map((a) => a.rows[0])).toEqual([
      { bitmap: 'off', style: 'SQL, DMY', timeout: '5s' },
      { bitmap: 'off', style: 'SQL, DMY', timeout: '5s' },
    ]);
    const { rows } = await sql<{ bitmap: string }>`
      SELECT current_setting('enable_bitmapscan') AS bitmap`.execute(db);
    expect(rows).toEqual([{ bitmap: 'on' }]);
  } finally {
    await tuned.destroy();
  }
});
