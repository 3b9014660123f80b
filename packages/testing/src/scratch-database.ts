import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { databaseUrl, type TestStack } from './stack-provider.js';
import { eventually } from './wait.js';

export interface ScratchDatabase {
  name: string;
  /** Connection URL of the scratch database. */
  url: string;
  /** Drop it, once every connection to it is closed. */
  drop(): Promise<boolean>;
}

/**
 * A fresh, empty database on the stack's Postgres for one test file, so suites that own fixed table
 * names (events, outbox) run side by side without seeing each other.
 *
 * @example
 *   const scratch = await scratchDatabase(stack, 'event_store');
 *   afterAll(() => scratch.drop());
 */
export async function scratchDatabase(
  stack: Pick<TestStack, 'databaseUrl'>,
  prefix: string,
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${prefix}" makes an invalid database name`);
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: databaseUrl(stack, 'postgres') });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return {
    name,
    url: databaseUrl(stack, name),
    // A plain DROP, retried until the test's pools have really closed their sockets (pg-pool's
    // end() resolves a little before); forcing it would kill connections a client still owns.
    drop: () =>
      eventually(() => admin(`DROP DATABASE IF EXISTS ${name}`).then(() => true), {
        timeoutMs: 10_000,
        intervalMs: 50,
        description: `dropping ${name} once its connections are gone`,
      }),
  };
}
