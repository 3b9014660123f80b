import { EventEmitter } from 'node:events';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Message } from 'kafkajs';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { endSpan, headersWithSendSpan, startSendSpan } from '@acme/telemetry';
import {
  backoffMs,
  connect,
  silentLogger,
  type BackoffOptions,
  type CommitCursor,
  type Logger,
} from '@acme/postgres';
import { KeyHolds, keyId } from './held-keys.js';
import { relayMetrics, type RelayMetrics } from './metrics.js';
import { pruneOutbox } from './prune.js';
import { createRelayProducer, type Publisher } from './publisher.js';
import { RelaySession, relayLockKey } from './session.js';
import { backlog, markDispatched, readPending, recordFailure, type PendingRow } from './store.js';
import type { OutboxDatabase } from './table.js';
import { Wakeup } from './wakeup.js';

const defaultBackoff: BackoffOptions = { baseMs: 200, maxMs: 30_000 };

export interface OutboxRelayOptions {
  /** Names the lock (one active relay per name) and the `relay` metric label, e.g. "order". */
  name: string;
  /** URL of the service's database (with the database name). */
  databaseUrl: string;
  /** The relay creates its producer from this (see `createRelayProducer`)… */
  kafka?: Kafka;
  /** …or uses this one (must be idempotent; the relay sends with acks=-1). */
  producer?: Publisher;
  /** Rows per batch (default 500). */
  batchSize?: number;
  /** Payload bytes per batch, below the broker's `max.message.bytes` (default 512 KiB). */
  maxBatchBytes?: number;
  /** Fallback poll when no notification comes (default 1000 ms). */
  pollMs?: number;
  /** How often a standby tries to take the lock (default 1000 ms). */
  standbyPollMs?: number;
  /** Retry delays of failed keys and of the whole relay during an outage. */
  backoff?: Partial<BackoffOptions>;
  /** Keep dispatched rows this long (default 24 h)… */
  retentionMs?: number;
  /** …pruning this often while active (default 60 s). */
  pruneIntervalMs?: number;
  /** Metrics go here (default: a registry of the relay's own, see `registry`). */
  registry?: Registry;
  logger?: Logger;
}

export type RelayState = 'stopped' | 'standby' | 'active';

export interface RelayEvents {
  state: [RelayState];
  /** Positions Kafka acknowledged, before they are marked. */
  published: [bigint[]];
  /** A standby tried the lock (true: it got it). */
  lockAttempt: [boolean];
  /** One pass of the loop while active: rows read, published and failed. */
  round: [{ read: number; published: number; failed: number }];
}

/** After this many isolated sends fail in a row with none succeeding, it is an outage, not a key. */
const outageAfter = 3;

/**
 * Ships outbox rows to Kafka. Run one per service instance: the instances elect one active relay
 * through a Postgres advisory lock; the others stand by and take over within `standbyPollMs` of the
 * active one's connection dying. Rows are read in commit order, sent in batches, and marked only
 * after the broker acknowledged them, so a crash anywhere re-sends (at least once) but loses nothing.
 * A failed send holds back only the keys that failed; everything else keeps flowing.
 *
 * @example
 *   const relay = new OutboxRelay({ name: 'order', databaseUrl, kafka, registry, logger });
 *   relay.start();
 *   // …on shutdown:
 *   await relay.stop();
 */
export class OutboxRelay extends EventEmitter<RelayEvents> {
  readonly registry: Registry;
  private readonly name: string;
  private readonly db: Kysely<OutboxDatabase>;
  private readonly producer: Publisher;
  private readonly metrics: RelayMetrics;
  private readonly logger: Logger;
  private readonly holds: KeyHolds;
  private readonly backoff: BackoffOptions;
  private readonly wakeup = new Wakeup();
  /** Empty rounds since a notification (see `idle`); 0 when nothing is owed. */
  private owed = 0;
  private readonly stopping = new AbortController();
  private session: RelaySession | undefined;
  private producerConnected = false;
  private current: RelayState = 'stopped';
  private loop: Promise<void> | undefined;
  private outages = 0;
  private prefetched: Promise<PendingRow[] | Error> | undefined;
  /** The next round's lock check, asked while this round's batch is on its way. */
  private lockChecked: Promise<Error | undefined> | undefined;
  private marking: Promise<Error | undefined> | undefined;
  private unmarked: bigint[] = [];
  /**
   * Where the next read starts: after the last row read, as long as every pending row before it
   * is in flight. Unset — read from the beginning of the pending rows — after anything that leaves
   * rows pending behind it: a failed send or mark, a held key, a change of the active relay.
   */
  private readCursor: CommitCursor | undefined;
  private nextPruneAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    super();
    this.name = options.name;
    const producer = options.producer ?? (options.kafka ? createRelayProducer(options.kafka) : undefined);
    if (!producer) throw new Error('OutboxRelay needs `kafka` or `producer`');
    this.producer = producer;
    this.db = connect<OutboxDatabase>({
      url: options.databaseUrl,
      max: 2,
      applicationName: `outbox-relay:${options.name}`,
      // The read wants the first rows of the pending index in order. Planned on statistics taken
      // while the backlog was small — it usually is, and ANALYZE lags a burst — Postgres instead
      // fetches every pending row through a bitmap and sorts them for each batch: 44 ms instead
      // of 0.6 ms per 500 rows at a backlog of 100k, so draining it took quadratic time.
      settings: { enable_bitmapscan: 'off' },
    });
    this.registry = options.registry ?? new Registry();
    this.metrics = relayMetrics(this.registry, this.name, () => backlog(this.db));
    this.logger = options.logger ?? silentLogger;
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.holds = new KeyHolds(this.backoff);
  }

  get state(): RelayState {
    return this.current;
  }

  /** True while this instance holds the lock and publishes. */
  get isActive(): boolean {
    return this.current === 'active';
  }

  /** Begin competing for the lock and, once active, relaying. Returns at once. */
  start(): void {
    if (this.loop) throw new Error(`relay "${this.name}" was already started`);
    this.setState('standby');
    this.loop = this.run();
  }

  /** Finish the batch in flight, release the lock, disconnect. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wakeup.notify();
    await this.loop;
    await this.prefetched;
    await this.marking;
    if (this.producerConnected) await this.producer.disconnect();
    await this.session?.close();
    await this.db.destroy();
    this.setState('stopped');
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        if (!this.isActive) {
          if (!(await this.acquire())) await this.pause(this.options.standbyPollMs ?? 1000);
          continue;
        }
        const published = await this.round();
        if (published > 0) this.owed = 0;
        await this.pruneWhenDue();
        if (this.outages > 0) await this.pause(backoffMs(this.outages, this.backoff));
        else if (published === 0) await this.idle();
      } catch (error) {
        if (this.stopRequested) break;
        // Whatever the round left undone is pending behind the cursor, and a read-ahead made
        // from the cursor would pass it by: start again from the first pending row.
        this.prefetched = undefined;
        this.readCursor = undefined;
        this.lockChecked = undefined;
        if (this.session?.isLost !== false) {
          this.demote(error);
          continue;
        }
        this.outages++;
        this.logger.error({ relay: this.name, err: error }, 'outbox relay round failed');
        await this.pause(backoffMs(this.outages, this.backoff));
      }
    }
  }

  /** A getter, so TypeScript does not narrow it for the length of the loop. */
  private get stopRequested(): boolean {
    return this.stopping.signal.aborted;
  }

  private async acquire(): Promise<boolean> {
    if (!this.session || this.session.isLost) {
      await this.session?.close();
      this.session = undefined;
      try {
        this.session = await RelaySession.open(
          this.options.databaseUrl,
          relayLockKey(this.name),
          `outbox-relay-lock:${this.name}`,
          {
            onLost: (error) => {
              this.logger.warn({ relay: this.name, err: error }, 'outbox relay lost its lock connection');
              this.wakeup.notify();
            },
            onNotify: () => {
              this.wakeup.notify();
            },
          },
        );
      } catch (error) {
        this.logger.warn({ relay: this.name, err: error }, 'outbox relay cannot reach the database');
        return false;
      }
    }
    const locked = await this.session.tryLock();
    this.emit('lockAttempt', locked);
    if (!locked) return false;
    await this.session.listen();
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    this.outages = 0;
    this.setState('active');
    this.logger.info({ relay: this.name }, 'outbox relay is active');
    // Whatever was enqueued while we stood by is waiting.
    this.wakeup.notify();
    return true;
  }

  private demote(error: unknown): void {
    // Rows read or sent under the lost lock are simply read again by whoever is active now.
    this.prefetched = undefined;
    this.readCursor = undefined;
    this.lockChecked = undefined;
    if (this.isActive) this.logger.warn({ relay: this.name, err: error }, 'outbox relay stands by again');
    this.setState('standby');
  }

  private setState(state: RelayState): void {
    if (state === this.current) return;
    this.current = state;
    this.metrics.active.set({ relay: this.name }, state === 'active' ? 1 : 0);
    this.emit('state', state);
  }

  /**
   * Read, publish, mark — pipelined: while a batch is on its way to Kafka the next one is read
   * (leaving out the rows in flight), and while a batch is marked the next one is sent. A batch is
   * still sent only after the previous one was acknowledged, and marked only after its own ack.
   * Every round proves the lock is still ours before its send, by a check on the session
   * connection asked when the previous batch left (or at the start of the round when none did): it
   * has answered by the time it is needed instead of adding a round trip to every batch — waiting
   * for it was ~2 ms of a 12 ms round of 500 on a busy 2-core machine. So the proof is at most one
   * batch old; losing the session's connection is also seen at once, through its events.
   * Returns how many rows went out.
   */
  private async round(): Promise<number> {
    const timer = this.metrics.batchDuration.startTimer({ relay: this.name });
    const lockCheck = this.lockChecked ?? this.checkLock();
    this.lockChecked = undefined;
    const prefetched = this.prefetched;
    this.prefetched = undefined;
    // A fresh read still leaves out the rows being marked: they went out already.
    const rows = prefetched ? await prefetched : await this.read().catch(asError);
    const lockError = await lockCheck;
    if (lockError) throw lockError;
    if (rows instanceof Error) throw rows;
    if (rows.length === 0) {
      await this.settleMarking();
      this.emit('round', { read: 0, published: 0, failed: 0 });
      return 0;
    }
    const last = rows[rows.length - 1];
    if (last) this.readCursor = { transactionId: last.transaction_id, position: last.position };
    this.prefetched = this.read(rows).catch(asError);
    this.lockChecked = this.checkLock();
    // kafkajs encodes the whole batch synchronously before its first real wait: one turn of the
    // event loop first puts the read-ahead query on the wire, so Postgres works on it meanwhile
    // instead of after the encoding (measured: the relay otherwise waits ~6–9 ms per 500 rows).
    await nextTurn();
    const { sent, failed, outage } = await this.publish(rows);
    this.outages = outage ? this.outages + 1 : 0;
    if (sent.length < rows.length) {
      // The prefetch may hold later rows of a key that did not go out: read afresh instead, from
      // the beginning, since rows that did not go out are now pending behind the cursor.
      await this.prefetched;
      this.prefetched = undefined;
      this.readCursor = undefined;
    }
    const positions = sent.map((r) => r.position);
    if (positions.length > 0) this.emit('published', positions);
    await this.settleMarking();
    this.unmarked = positions;
    this.marking = markDispatched(this.db, positions).then(() => undefined, asError);
    for (const { rows: group, error } of failed) {
      await recordFailure(
        this.db,
        group.map((r) => r.position),
        error,
      );
    }
    this.metrics.published.inc({ relay: this.name }, sent.length);
    timer();
    const failedCount = failed.reduce((n, f) => n + f.rows.length, 0);
    this.emit('round', { read: rows.length, published: sent.length, failed: failedCount });
    return sent.length;
  }

  /**
   * The next batch. Rows in flight are left out: those being marked, and `sending` (the batch on
   * its way while this one is read ahead) — by the cursor, which lies past them, or one by one.
   */
  private read(sending: readonly PendingRow[] = []): Promise<PendingRow[]> {
    // A held key's rows stay pending behind everything read after them: left out while the hold
    // lasts, read from the first pending row once it ends (before `held` forgets old holds).
    const now = Date.now();
    if (this.holds.anyDue(now)) this.readCursor = undefined;
    return readPending(
      this.db,
      this.options.batchSize ?? 500,
      this.options.maxBatchBytes ?? 512 * 1024,
      this.holds.held(now),
      this.readCursor ? [] : [...this.unmarked, ...sending.map((r) => r.position)],
      this.readCursor,
    );
  }

  /** Resolves to the error when the lock is no longer ours (see `RelaySession.assertHeld`). */
  private checkLock(): Promise<Error | undefined> {
    return this.session
      ? this.session.assertHeld().then(() => undefined, asError)
      : Promise.resolve(undefined);
  }

  /** Wait for the batch being marked; a failed mark only means those rows are sent again. */
  private async settleMarking(): Promise<void> {
    const error = await this.marking;
    this.marking = undefined;
    this.unmarked = [];
    if (error) {
      // Those rows are pending again, behind the cursor.
      this.readCursor = undefined;
      throw error;
    }
  }

  /**
   * The whole batch in one request when it can; when that fails, each key on its own (in order of
   * first appearance), so the keys that fail are found and held while the rest go out. A partly
   * written batch is re-sent: duplicates, never gaps, and each key's first copies stay in order.
   */
  private async publish(rows: PendingRow[]): Promise<{
    sent: PendingRow[];
    failed: { rows: PendingRow[]; error: string }[];
    outage: boolean;
  }> {
    try {
      await this.send(rows);
      for (const row of rows) this.holds.succeed(row.topic, row.key);
      return { sent: rows, failed: [], outage: false };
    } catch (error) {
      this.metrics.failures.inc({ relay: this.name });
      this.logger.warn(
        { relay: this.name, rows: rows.length, err: error },
        'outbox batch failed; isolating keys',
      );
    }
    const byKey = groupBy(rows, (row) => keyId(row.topic, row.key));
    const sent: PendingRow[] = [];
    const failed: { rows: PendingRow[]; error: string }[] = [];
    for (const group of byKey.values()) {
      if (sent.length === 0 && failed.length >= outageAfter) break; // the rest stays pending
      const first = group[0];
      if (!first) continue;
      const { topic, key } = first;
      try {
        await this.send(group);
        this.holds.succeed(topic, key);
        sent.push(...group);
      } catch (error) {
        this.metrics.failures.inc({ relay: this.name });
        const attempts = this.holds.fail(topic, key, Date.now());
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn({ relay: this.name, topic, key, attempts, err: error }, 'outbox key held back');
        failed.push({ rows: group, error: message });
      }
    }
    return { sent, failed, outage: sent.length === 0 };
  }

  /**
   * One produce request. Each message gets a send span (a child of the span that wrote its row),
   * named in its `relay_traceparent` header so the consumer can link to it.
   */
  private async send(rows: PendingRow[]): Promise<void> {
    const sends = rows.map((row) => ({ row, span: startSendSpan(row) }));
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...groupBy(sends, ({ row }) => row.topic)].map(([topic, group]) => ({
          topic,
          messages: group.map(({ row, span }): Message => ({
            key: row.key,
            value: row.payload,
            headers: headersWithSendSpan(row.headers, span),
          })),
        })),
      });
    } catch (error) {
      for (const { span } of sends) endSpan(span, error);
      throw error;
    }
    for (const { span } of sends) endSpan(span);
  }

  private async pruneWhenDue(): Promise<void> {
    const now = Date.now();
    if (now < this.nextPruneAt) return;
    this.nextPruneAt = now + (this.options.pruneIntervalMs ?? 60_000);
    const deleted = await pruneOutbox(this.db, {
      ...(this.options.retentionMs === undefined ? {} : { retentionMs: this.options.retentionMs }),
    });
    if (deleted > 0) this.logger.info({ relay: this.name, deleted }, 'outbox pruned');
  }

  /**
   * Until a notification, the poll interval, or the end of the earliest key hold — or sooner while
   * rows are owed: a notification means a transaction committed rows, and finding none right
   * after it means they are past the commit-order horizon (an older transaction is still open).
   * Those are looked for again after 10, 20, 40 … ms instead of a whole poll interval later
   * (measured before: ~1 s stalls on one hop in three at low load).
   */
  private async idle(): Promise<void> {
    const now = Date.now();
    const poll = this.options.pollMs ?? 1000;
    const soon = this.owed > 0 ? Math.min(poll, 10 * 2 ** (this.owed - 1)) : poll;
    const retryAt = this.holds.nextRetryAt(now);
    const notified = await this.wakeup.wait(
      retryAt === undefined ? soon : Math.min(soon, Math.max(0, retryAt - now)),
    );
    this.owed = notified ? 1 : this.owed > 0 && this.owed < 8 ? this.owed + 1 : 0;
  }

  /** A wait only `stop()` cuts short (notifications must not shorten a backoff). */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }
}

/** Items by key, each group in input order, groups in order of first appearance. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
