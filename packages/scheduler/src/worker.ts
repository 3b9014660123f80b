import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Registry } from 'prom-client';
import { backoffMs, silentLogger, type BackoffOptions, type Logger } from '@acme/postgres';

/** Delay after a failed deadline: 1 s doubling up to 5 min, with jitter. */
export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 300_000 };
import { workerMetrics, type WorkerMetrics } from './metrics.js';
import { claimNext, markFired, pendingStats, recordFailure, type Deadline } from './store.js';
import { deadlinesView, type SchedulerDatabase } from './table.js';

/**
 * Does what a deadline of one kind stands for, with the transaction that claimed it: its writes
 * commit together with the deadline's `fired_at`, or not at all. Throwing rolls them back and
 * retries the deadline later.
 */
export type DeadlineHandler<DB> = (deadline: Deadline, tx: Transaction<DB>) => Promise<void>;

export interface DeadlineWorkerOptions<DB> {
  /** The service's database (the worker borrows a connection per deadline; it does not close it). */
  db: Kysely<DB>;
  /** A handler per kind; the worker fires only these kinds. */
  kinds: Record<string, DeadlineHandler<DB>>;
  /** How often an idle worker looks for due deadlines (default 500 ms). */
  pollMs?: number;
  /** Deadlines fired per round before the worker looks at `stop()` and polls again (default 50). */
  batchSize?: number;
  /** Retry delays of failed deadlines and of the worker while the database is unreachable. */
  backoff?: Partial<BackoffOptions>;
  /** Metrics go here (default: a registry of the worker's own, see `registry`). */
  registry?: Registry;
  logger?: Logger;
}

export type RoundOutcome = 'none' | 'fired' | 'failed';

/**
 * Fires due deadlines. Run one per service instance (or several): deadlines are claimed with
 * `FOR UPDATE SKIP LOCKED`, each in a transaction of its own that also runs the handler and marks
 * the deadline fired, so a deadline's effect happens exactly once however many workers run.
 * A failing handler is rolled back to a savepoint, and the deadline — still locked — records the
 * attempt and error and moves its due time by a jittered exponential backoff, so it blocks nothing.
 *
 * @example
 *   const worker = new DeadlineWorker({ db, kinds: { 'order.timeout': cancelUnconfirmedOrder }, registry, logger });
 *   worker.start();
 *   // …on shutdown: finishes the deadline in flight
 *   await worker.stop();
 */
export class DeadlineWorker<DB> {
  readonly registry: Registry;
  private readonly db: Kysely<SchedulerDatabase>;
  private readonly handlers: Map<string, DeadlineHandler<DB>>;
  private readonly kinds: string[];
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly backoff: BackoffOptions;
  private readonly logger: Logger;
  private readonly metrics: WorkerMetrics;
  private readonly stopping = new AbortController();
  private wake: AbortController | undefined;
  private nudged = false;
  private loop: Promise<void> | undefined;
  private outages = 0;

  constructor(options: DeadlineWorkerOptions<DB>) {
    this.db = deadlinesView(options.db);
    this.handlers = new Map(Object.entries(options.kinds));
    this.kinds = [...this.handlers.keys()];
    if (this.kinds.length === 0) throw new Error('DeadlineWorker needs at least one kind');
    if (this.kinds.includes('')) throw new Error('DeadlineWorker kinds must be non-empty');
    this.pollMs = options.pollMs ?? 500;
    this.batchSize = options.batchSize ?? 50;
    if (!(this.pollMs > 0) || !(this.batchSize >= 1))
      throw new RangeError('pollMs must be positive and batchSize at least 1');
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.logger = options.logger ?? silentLogger;
    this.registry = options.registry ?? new Registry();
    this.metrics = workerMetrics(this.registry, this.kinds, () => pendingStats(this.db));
  }

  /** Begin firing due deadlines. Returns at once. */
  start(): void {
    if (this.loop) throw new Error('DeadlineWorker was already started');
    this.loop = this.run();
  }

  /** Finish the deadline in flight (its transaction commits or rolls back), then return. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.abort();
    await this.loop;
  }

  /**
   * Look for due deadlines now instead of at the next poll (e.g. after scheduling one due at once).
   * In-process only: there is no LISTEN/NOTIFY, other instances find it by polling.
   */
  nudge(): void {
    this.nudged = true;
    this.wake?.abort();
  }

  /** A method, so neither TypeScript nor the linter narrows it for the length of the loop. */
  private stopRequested(): boolean {
    return this.stopping.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopRequested()) {
      try {
        const fired = await this.round();
        this.outages = 0;
        if (fired < this.batchSize) await this.idle(this.pollMs);
      } catch (error) {
        if (this.stopRequested()) break;
        this.outages++;
        this.logger.error({ err: error, outages: this.outages }, 'deadline worker round failed');
        await this.idle(backoffMs(this.outages, this.backoff), false);
      }
    }
  }

  /** Up to `batchSize` deadlines, one transaction each; returns how many were handled. */
  private async round(): Promise<number> {
    let handled = 0;
    while (handled < this.batchSize && !this.stopRequested()) {
      if ((await this.fireNext()) === 'none') break;
      handled++;
    }
    return handled;
  }

  /**
   * Claim one due deadline, run its handler and mark it fired, all in one transaction. Returns
   * 'none' when nothing of the worker's kinds is due. The worker's loop calls it; tests and tools
   * may too (on a stopped worker).
   */
  async fireNext(): Promise<RoundOutcome> {
    const failed: { deadline?: Deadline; message?: string; retryInMs?: number } = {};
    let outcome: Deadline | 'none' | 'failed';
    try {
      outcome = await this.db.transaction().execute(async (tx): Promise<Deadline | 'none' | 'failed'> => {
        const deadline = await claimNext(tx, this.kinds);
        if (!deadline) return 'none';
        const handler = this.handlers.get(deadline.kind);
        if (!handler) throw new Error(`no handler for kind "${deadline.kind}"`); // claimNext filters kinds
        await sql`SAVEPOINT deadline_handler`.execute(tx);
        try {
          await handler(deadline, tx as unknown as Transaction<DB>);
        } catch (error) {
          failed.deadline = deadline;
          failed.message = error instanceof Error ? error.message : String(error);
          failed.retryInMs = backoffMs(deadline.attempts + 1, this.backoff);
          // The handler's writes go; the lock on the deadline stays, so no one retries it before
          // its failure is recorded.
          await sql`ROLLBACK TO SAVEPOINT deadline_handler`.execute(tx);
          await recordFailure(tx, deadline.id, failed.message, failed.retryInMs);
          return 'failed';
        }
        await sql`RELEASE SAVEPOINT deadline_handler`.execute(tx);
        await markFired(tx, deadline.id);
        return deadline;
      });
    } catch (error) {
      const { deadline, message, retryInMs } = failed;
      if (!deadline || message === undefined || retryInMs === undefined) throw error;
      // The transaction itself broke after the handler failed (e.g. the handler's own error ended
      // it): record the failure in a short transaction of its own, so the deadline still backs off.
      await recordFailure(this.db, deadline.id, message, retryInMs);
      outcome = 'failed';
    }
    if (outcome === 'none') return 'none';
    if (outcome === 'failed') {
      const { deadline, message, retryInMs } = failed;
      if (deadline) {
        this.metrics.failed.inc({ kind: deadline.kind });
        this.logger.warn(
          {
            kind: deadline.kind,
            key: deadline.key,
            attempts: deadline.attempts + 1,
            retryInMs,
            err: message,
          },
          'deadline handler failed; retrying later',
        );
      }
      return 'failed';
    }
    this.metrics.fired.inc({ kind: outcome.kind });
    return 'fired';
  }

  /** Until `ms` pass, `stop()`, or (when `nudgeable`) `nudge()`. */
  private async idle(ms: number, nudgeable = true): Promise<void> {
    if (nudgeable && this.nudged) {
      this.nudged = false;
      return;
    }
    const wake = new AbortController();
    if (nudgeable) this.wake = wake;
    const signal = AbortSignal.any([this.stopping.signal, wake.signal]);
    await sleep(ms, undefined, { signal }).catch(() => undefined);
    this.wake = undefined;
    this.nudged = false;
  }
}
