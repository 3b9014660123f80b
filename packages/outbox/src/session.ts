import { createHash } from 'node:crypto';
import pg from 'pg';
import { notifyChannel } from './table.js';

/**
 * Advisory lock key of a relay: a stable 64-bit hash of its name, so every instance of a service
 * derives the same key and relays of different services (or lanes) never collide.
 */
export function relayLockKey(relayName: string): bigint {
  return createHash('sha256').update(`acme.outbox.relay:${relayName}`).digest().readBigInt64BE(0);
}

export interface SessionEvents {
  /** The connection is gone: a held lock is gone with it, another relay may already be active. */
  onLost(error: Error): void;
  /** A NOTIFY on the outbox channel. */
  onNotify(): void;
}

/**
 * The relay's own connection, outside any pool: it holds the session-level advisory lock (which
 * Postgres releases the moment the connection dies — a killed process hands over by itself) and
 * LISTENs for the wake-up trigger.
 */
export class RelaySession {
  private lost = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly lockKey: bigint,
  ) {}

  static async open(
    url: string,
    lockKey: bigint,
    applicationName: string,
    events: SessionEvents,
  ): Promise<RelaySession> {
    const client = new pg.Client({
      connectionString: url,
      application_name: applicationName,
      keepAlive: true,
    });
    const session = new RelaySession(client, lockKey);
    const lose = (error: Error) => {
      if (session.lost) return;
      session.lost = true;
      events.onLost(error);
    };
    client.on('error', lose);
    client.on('end', () => {
      lose(new Error('relay session connection ended'));
    });
    client.on('notification', (message) => {
      if (message.channel === notifyChannel) events.onNotify();
    });
    await client.connect();
    return session;
  }

  get isLost(): boolean {
    return this.lost;
  }

  /** True when this session now holds the relay's lock (re-entrant for the same session). */
  async tryLock(): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [this.lockKey.toString()],
    );
    return rows[0]?.locked === true;
  }

  async listen(): Promise<void> {
    await this.client.query(`LISTEN ${notifyChannel}`);
  }

  /**
   * Proves the lock is still ours before a round: a connection that died silently would otherwise
   * let this relay publish while a standby already took over.
   */
  async assertHeld(): Promise<void> {
    const { rows } = await this.client.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
         AND granted AND ((classid::bigint << 32) | objid::bigint) = $1::bigint) AS held`,
      [this.lockKey.toString()],
    );
    if (rows[0]?.held !== true) {
      // Someone ended our lock (pg_advisory_unlock, a pooler): the session is useless as a lock now.
      await this.close();
      throw new Error('relay lock is no longer held');
    }
  }

  /** Ends the session; Postgres drops the lock and the LISTEN with it. */
  async close(): Promise<void> {
    this.lost = true;
    await this.client.end().catch(() => undefined);
  }
}
