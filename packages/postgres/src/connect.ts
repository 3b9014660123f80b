import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PreparingClient } from './prepared.js';

export interface ConnectOptions {
  /** Server URL (`postgres://user:pass@host:port`), with or without a database. */
  url: string;
  /** Database to use instead of the URL's. */
  database?: string;
  /** Pool size (default 10). */
  max?: number;
  /** Shows in `pg_stat_activity`, so a connection can be traced to its service. */
  applicationName?: string;
  /** Server settings for every connection of the pool, e.g. `{ enable_bitmapscan: 'off' }`. */
  settings?: Readonly<Record<string, string>>;
  /**
   * Told when an idle pooled connection dies (server restart, terminated backend). The pool drops
   * the connection and opens a new one on demand; without a listener node would crash the process.
   */
  onIdleError?: (error: Error) => void;
}

const int8 = 20;
const xid8 = 5069;

/**
 * Positions and transaction ids are 64-bit: they arrive as `bigint`, never as a rounded number or
 * a string that sorts wrongly.
 */
const types = new pg.TypeOverrides();
types.setTypeParser(int8, 'text', BigInt);
types.setTypeParser(xid8, 'text', BigInt);

/** The URL with its database replaced (database names are per service, the server is shared). */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A kysely instance over its own `pg` pool, whose connections keep the statements declared with
 * `preparedStatement` prepared.
 *
 * @example
 *   const db = connect<Database>({ url: process.env.DATABASE_URL, database: 'orders' });
 *   await db.destroy(); // closes the pool
 */
export function connect<DB>(options: ConnectOptions): Kysely<DB> {
  const pool = new pg.Pool({
    connectionString: withSettings(
      options.database ? databaseUrl(options.url, options.database) : options.url,
      options.settings,
    ),
    max: options.max ?? 10,
    types,
    // Declared statements (`preparedStatement`) are parsed and planned once per connection.
    Client: PreparingClient,
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  pool.on('error', options.onIdleError ?? (() => undefined));
  // A connection that dies while checked out but between queries (a transaction waiting on an SMTP
  // server, say, when Postgres restarts) emits 'error' on its client, which the pool only listens
  // to while the client is idle: unheard, node would crash the process. The holder learns of it
  // anyway — its next query fails — so the event itself needs no more than a listener.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * The URL with the settings added to its startup `options` — after the URL's own and `PGOPTIONS`,
 * which node-postgres would otherwise let win over (or lose to) a separate `options`.
 */
function withSettings(url: string, settings: Readonly<Record<string, string>> | undefined): string {
  if (!settings || Object.keys(settings).length === 0) return url;
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options') ?? process.env.PGOPTIONS ?? '';
  const added = Object.entries(settings).map(
    ([name, value]) => `-c ${name}=${value.replaceAll('\\', '\\\\').replaceAll(' ', '\\ ')}`,
  );
  parsed.searchParams.set('options', [given, ...added].filter((o) => o !== '').join(' '));
  return parsed.toString();
}
