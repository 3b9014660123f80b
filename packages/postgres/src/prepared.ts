import { CompiledQuery, type Kysely } from 'kysely';
import pg from 'pg';

/**
 * A hot statement that the pools of `connect` parse and plan once per connection, then only bind
 * and execute: on a short statement, parse and plan cost Postgres about as much as the execution
 * (the event store's append sent by bare `pg`, 8 writers: 0.58× the rate of a plain insert
 * transaction unnamed, 0.96× named).
 *
 * Declared once, at module load, with a name unique in the process. Any kysely instance or
 * transaction runs it; one not made by `connect` sends it unnamed (parsed on each call, with the
 * same result). Not for statements built at run time: every distinct text would stay prepared on
 * every connection for its lifetime. Needs a session per connection (no transaction pooler
 * between the pool and Postgres).
 *
 * A prepared statement outlives schema changes on its connection, and Postgres re-plans it — but
 * refuses (0A000, "cached plan must not change result type") once a column it returns changes
 * type. So: name the columns a statement returns (never `*`), and give a migration that changes
 * one of them a new statement name in the same release.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

const names = new Map<string, string>();
const texts = new Map<string, string>();

/**
 * @example
 *   const touch = preparedStatement('orders_touch', 'UPDATE orders SET seen_at = now() WHERE id = $1');
 *   await executePrepared(tx, touch, [id]);
 */
export function preparedStatement(name: string, text: string): PreparedStatement {
  const existing = texts.get(name);
  if (existing !== undefined && existing !== text)
    throw new Error(`prepared statement "${name}" is already declared with another text`);
  const other = names.get(text);
  if (other !== undefined && other !== name)
    throw new Error(`prepared statements "${other}" and "${name}" have the same text`);
  texts.set(name, text);
  names.set(text, name);
  return { name, text };
}

/** Run a prepared statement in `db` (a kysely instance or transaction); its rows. */
export async function executePrepared<R>(
  db: Pick<Kysely<unknown>, 'executeQuery'>,
  statement: PreparedStatement,
  parameters: readonly unknown[],
): Promise<R[]> {
  const result = await db.executeQuery<R>(CompiledQuery.raw(statement.text, [...parameters]));
  return result.rows;
}

/**
 * The pool's client: a query whose text is a declared statement's goes out under its name, so
 * node-postgres sends Parse the first time on a connection and Bind/Execute after that. kysely
 * hands every query to `client.query(text, values)`: that is the only call shape rewritten.
 */
export class PreparingClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one implementation behind pg's overloads
  override query(...args: any[]): any {
    const [text, values] = args as unknown[];
    const name = typeof text === 'string' ? names.get(text) : undefined;
    if (name === undefined || !Array.isArray(values) || args.length !== 2)
      // Every other shape (config objects, streams, callbacks) passes through as it came.
      return super.query(...(args as [string, unknown[]]));
    return super.query({ name, text: text as string, values });
  }
}
