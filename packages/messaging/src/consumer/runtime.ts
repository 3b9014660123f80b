import { backoffMs, type BackoffOptions, type Logger } from '@acme/outbox';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { sql, type Kysely, type Transaction } from 'kysely';
import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import {
  endSpan,
  relayTraceparentHeader,
  startProcessSpan,
  traceparentOf,
  withLogFields,
} from '@acme/telemetry';
import { Registry } from 'prom-client';
import type { AvroCodec } from '../codec.js';
import { envelopeFromHeaders, headerString } from '../envelope.js';
import { CycleError, errorClass, errorMessage, isRetriable } from '../errors.js';
import { messagingView } from '../tables.js';
import { ensureTopics } from '../topics.js';
import { DeadLetterWriter, dlqTopic, reasonOf, replayTopic, type Failure } from './dead-letter.js';
import type { Handler, InboundEvent, UpcastStep } from './handler.js';
import { consumerMetrics, messageOutcomes, type ConsumerMetrics, type Outcome } from './metrics.js';
import { Router, type Subscription } from './routing.js';

export interface MessageConsumerOptions<DB> {
  kafka: Kafka;
  /** Consumer group; also names its dead-letter (`<group>.dlq`) and replay (`<group>.replay`) topics. */
  groupId: string;
  topics: readonly string[];
  /** The service database: inbox, dead-letter index and the handlers' own tables. */
  db: Kysely<DB>;
  codec: AvroCodec;
  handlers: readonly Handler<DB, never>[];
  /** One step per old type, e.g. `{ 'com.acme.order.placed.v1': { to: '...v2', lift } }`. */
  upcasters?: Readonly<Record<string, UpcastStep>>;
  /** Attempts of a retriable failure before the message is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Delay between attempts (default 100 ms doubling up to 5 s, with jitter). */
  backoff?: BackoffOptions;
  /** Handlers a causal chain may pass before it counts as a cycle (default 16). */
  hopLimit?: number;
  /**
   * Consecutive messages of a partition handled in one transaction (default 1: one transaction
   * per message). Larger values trade latency of a failure for throughput: a failed batch is
   * rolled back and its messages are handled one by one.
   */
  batchSize?: number;
  /** Partitions processed at the same time (default 3): a retrying partition never holds the others. */
  partitionsConsumedConcurrently?: number;
  /** Longest wait of an idle fetch, and so the most a retry can start after its backoff (default 1 s). */
  maxWaitTimeMs?: number;
  /** Where a new group starts reading (default: the beginning of the topics). */
  fromBeginning?: boolean;
  metrics?: Registry;
  logger?: Logger;
}

interface Ready<DB> {
  kind: 'ready';
  message: KafkaMessage;
  event: InboundEvent;
  handlers: Handler<DB>[];
  dlqId?: string;
  /** Handling this message: a child of the span that caused it, linked to the relay's send. */
  span: Span;
}
type Prepared<DB> = { kind: 'skip'; message: KafkaMessage } | Ready<DB>;

/** Done, failed for good, or put off (the partition is paused for a retry, or going away). */
type Attempt<T> = { ok: true; value: T } | { ok: false; failure: Failure } | { ok: false; aborted: true };

const noLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The consumer runtime: one consumer group, its handlers, exactly-once effects on top of
 * at-least-once delivery.
 *
 * Per partition, messages are handled in order, each (or each batch) in a Postgres transaction
 * that also inserts its inbox row; a redelivered event finds the row and is skipped. Offsets are
 * resolved only after that transaction commits. A retriable failure is retried in place with
 * backoff — the partition waits, so per-key order holds, while other partitions go on. What cannot
 * succeed (permanent, undecodable, unknown schema, a cycle, or out of attempts) is parked on
 * `<group>.dlq` and in the dead-letter index, and the partition moves on. Replays come back on
 * `<group>.replay`, which only this group reads.
 *
 * @example
 *   const consumer = new MessageConsumer({ kafka, groupId: 'inventory', topics: ['order.events'],
 *     db, codec, handlers: [{ type: 'com.acme.order.placed.v2', handle: reserve }] });
 *   await consumer.start();
 *   // ...
 *   await consumer.stop(); // finishes in-flight work, commits, disconnects
 */
export class MessageConsumer<DB> {
  private readonly router: Router<DB>;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly deadLetters: DeadLetterWriter;
  private readonly metrics: ConsumerMetrics;
  private readonly log: Logger;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly hopLimit: number;
  private readonly batchSize: number;
  /** Per partition, the message being retried: its offset, attempts so far and first failure. */
  private readonly retrying = new Map<string, { offset: string; attempts: number; firstFailureAt: Date }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly durations = new Map<string, { observe(seconds: number): void }>();
  private stopping = false;

  constructor(private readonly options: MessageConsumerOptions<DB>) {
    this.router = new Router(options.handlers, options.upcasters);
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = options.backoff ?? { baseMs: 100, maxMs: 5_000 };
    this.hopLimit = options.hopLimit ?? 16;
    this.batchSize = Math.max(1, options.batchSize ?? 1);
    this.log = options.logger ?? noLogger;
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // An idle fetch returns after this long; a partition resumed after a retry pause is fetched
      // on the next round, so this bounds how late a retry can start (kafkajs' default is 5 s).
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      // Fetches are not overlapped with handling in kafkajs: larger ones mean fewer stalls.
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    this.deadLetters = new DeadLetterWriter(options.groupId, this.producer, options.db as Kysely<unknown>);
    this.metrics = consumerMetrics(options.metrics ?? new Registry());
    this.metrics.depthSources.set(options.groupId, () => this.dlqDepth());
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** Create the group's DLQ and replay topics if needed, join the group and start consuming. */
  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      // One partition each: parked messages are few, and a replay keeps the order it was asked in.
      await ensureTopics(
        admin,
        [dlqTopic(groupId), replayTopic(groupId)].map((topic) => ({ topic, partitions: 1 })),
      );
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [...topics, replayTopic(groupId)],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      // Resolved offsets are committed at the end of each batch and, within a long one, each second.
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.zeroCounters();
    this.log.info({ group: groupId, topics, types: this.router.types }, 'consumer started');
  }

  /** Stop fetching, let in-flight handlers finish and commit, commit offsets, disconnect. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Also after a start that failed half-way: kafkajs' disconnect of a client never connected is a no-op.
    await this.consumer.disconnect();
    await this.producer.disconnect();
    this.metrics.depthSources.delete(this.options.groupId);
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    this.metrics.lag.set(
      { group: this.groupId, topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
    // While one run of messages is in its transaction, the next is decoded and routed: the CPU
    // work overlaps the database's. Transactions themselves stay one at a time, in order.
    let inFlight: Promise<boolean> | undefined;
    const settle = async (): Promise<boolean> => {
      const ok = inFlight ? await inFlight : true;
      inFlight = undefined;
      return ok;
    };
    const pending: Prepared<DB>[] = [];
    let ready = 0;
    for (const message of batch.messages) {
      if (!this.live(payload)) {
        await settle();
        return;
      }
      const prepared = await this.attempt(
        payload,
        message,
        () => this.prepare(batch.topic, batch.partition, message),
        // Before a failure seeks or parks, what came before it must be settled.
        settle,
      );
      if (!prepared.ok) {
        if ('aborted' in prepared) return;
        ready = 0;
        if (!(await this.flush(payload, pending))) return;
        await this.park(payload, message, prepared.failure);
        continue;
      }
      pending.push(prepared.value);
      if (prepared.value.kind === 'ready' && ++ready >= this.batchSize) {
        ready = 0;
        if (!(await settle())) return;
        inFlight = this.flush(payload, pending.splice(0));
        // Awaited by `settle`; marked handled now so a failure meanwhile is not an unhandled rejection.
        inFlight.catch(() => undefined);
      }
    }
    if (await settle()) await this.flush(payload, pending);
  }

  /** Envelope, hop limit, routing, filters and decoding: everything before the transaction. */
  private async prepare(topic: string, partition: number, message: KafkaMessage): Promise<Prepared<DB>> {
    const envelope = envelopeFromHeaders(message.headers);
    const route = this.router.route(envelope.type);
    if (!route) return { kind: 'skip', message };
    // Filters see the event as the handler will: with the type it subscribed to. Most routes have
    // none, and then no per-message copies are made.
    let subscriptions = route.subscriptions;
    const attributes = route.filtered ? { ...envelope, type: route.type } : undefined;
    if (attributes) {
      subscriptions = subscriptions.filter((s) => !s.filter || s.filter.matchesEnvelope(attributes));
      if (subscriptions.length === 0) return { kind: 'skip', message };
    }
    let data = await this.options.codec.decode(envelope.type, message.value);
    for (const step of route.chain) data = step.lift(data);
    if (attributes) {
      const full = { ...attributes, data };
      subscriptions = subscriptions.filter(
        (s: Subscription<DB>) => !s.filter?.needsData || s.filter.matches(full),
      );
      if (subscriptions.length === 0) return { kind: 'skip', message };
    }
    // Only a message this group would handle can make a cycle through it.
    if (envelope.hops > this.hopLimit) throw new CycleError(envelope.hops, this.hopLimit);
    const dlqId =
      topic === replayTopic(this.groupId) ? headerString(message.headers, 'replay_dlq_id') : undefined;
    const span = startProcessSpan({
      topic,
      partition,
      offset: message.offset,
      group: this.groupId,
      id: envelope.id,
      type: envelope.type,
      traceparent: envelope.traceparent,
      relayTraceparent: headerString(message.headers, relayTraceparentHeader),
    });
    // What the handler publishes continues the trace from this span (the incoming context when
    // no SDK records spans).
    const traceparent = traceparentOf(span.spanContext()) ?? envelope.traceparent;
    return {
      kind: 'ready',
      message,
      span,
      handlers: route.filtered ? subscriptions.map((s) => s.handler) : route.handlers,
      event: {
        type: route.type,
        data,
        envelope,
        group: this.groupId,
        topic,
        partition,
        offset: message.offset,
        cause: {
          correlationId: envelope.correlationid,
          causationId: envelope.id,
          hops: envelope.hops + 1,
          ...(traceparent ? { traceparent } : {}),
        },
      },
      ...(dlqId ? { dlqId } : {}),
    };
  }

  /**
   * Handle what is pending: the ready messages in one transaction, and if that fails, one by one
   * with retries. Resolves offsets as far as they are done. False when the batch must be abandoned
   * (stopping, or the partition was taken away); what is not resolved will be delivered again.
   */
  private async flush(payload: EachBatchPayload, pending: Prepared<DB>[]): Promise<boolean> {
    const entries = pending.splice(0);
    if (entries.length === 0) return true;
    const ready = entries.filter((e) => e.kind === 'ready');
    if (ready.length > 1) {
      try {
        await this.deliver(ready);
        for (const e of entries) if (e.kind === 'skip') this.count(undefined, 'skipped');
        return await this.resolve(payload, entries.at(-1));
      } catch (error) {
        this.log.warn(
          { group: this.groupId, error: errorMessage(error), messages: ready.length },
          'batch transaction failed; handling its messages one by one',
        );
      }
    }
    for (const entry of entries) {
      if (!this.live(payload)) return false;
      if (entry.kind === 'ready') {
        const done = await this.attempt(payload, entry.message, () => this.deliver([entry]));
        if (!done.ok) {
          if ('aborted' in done) {
            endSpan(entry.span, 'retried later or abandoned', { 'acme.outcome': 'retry' });
            return false;
          }
          endSpan(entry.span, done.failure.error, { 'acme.outcome': 'dead_lettered' });
          await this.park(payload, entry.message, done.failure);
          continue;
        }
      } else this.count(undefined, 'skipped');
      if (!(await this.resolve(payload, entry))) return false;
    }
    return true;
  }

  /**
   * One transaction: inbox rows for all, handlers for the new ones (a run of consecutive events for
   * a handler with `handleBatch` in one call), replays marked resolved.
   */
  private async deliver(ready: Ready<DB>[]): Promise<void> {
    const started = performance.now();
    const outcomes = await this.transact(ready, async (tx) => {
      const ids = ready.map((r) => r.event.envelope.id);
      // One statement and two parameters whatever the batch size.
      // One statement, two parameters, one row back: the count, and the new ids only when some
      // were not new (the common case sends no list back at all).
      const { rows } = await sql<{ inserted: number; fresh: string[] | null }>`
        WITH added AS (
          INSERT INTO inbox (consumer, message_id) SELECT ${this.groupId}, unnest(${ids}::text[])
          ON CONFLICT DO NOTHING RETURNING message_id)
        SELECT count(*)::int AS inserted,
               CASE WHEN count(*) < ${ids.length} THEN array_agg(message_id) END AS fresh
        FROM added`.execute(tx);
      const [added] = rows;
      // All inserted means all distinct and new; otherwise `delete` also handles an id twice in one batch.
      const fresh = added?.inserted === ids.length ? undefined : new Set(added?.fresh ?? []);
      const isFresh = (id: string) => (fresh ? fresh.delete(id) : true);
      const outcomes: Outcome[] = [];
      // A run: consecutive events whose only handlers share one `handleBatch` (one handler, or
      // a projection's handlers of several types), handed over in one call.
      let run: { handler: Handler<DB>; events: InboundEvent[] } | undefined;
      const endRun = async () => {
        if (run) await run.handler.handleBatch?.(run.events, tx);
        run = undefined;
      };
      for (const r of ready) {
        // `delete`: an id twice in one batch is handled once.
        if (!isFresh(r.event.envelope.id)) {
          outcomes.push('duplicate');
          continue;
        }
        outcomes.push('handled');
        const [only, ...more] = r.handlers;
        if (ready.length > 1 && only?.handleBatch && more.length === 0) {
          if (run?.handler.handleBatch !== only.handleBatch) {
            await endRun();
            run = { handler: only, events: [] };
          }
          run.events.push(r.event);
          continue;
        }
        await endRun();
        await this.within(r, async () => {
          for (const handler of r.handlers) await handler.handle(r.event, tx);
        });
      }
      await endRun();
      const replayed = ready.flatMap((r) => (r.dlqId === undefined ? [] : [BigInt(r.dlqId)]));
      if (replayed.length > 0)
        await messagingView(tx)
          .updateTable('dead_letters')
          .set({ status: 'resolved', resolved_at: new Date() })
          .where('id', 'in', replayed)
          .where('consumer_group', '=', this.groupId)
          .execute();
      return outcomes;
    });
    const seconds = (performance.now() - started) / 1000 / ready.length;
    const counts = new Map<string, number>();
    ready.forEach((r, i) => {
      endSpan(r.span, undefined, { 'acme.outcome': outcomes[i] ?? 'handled' });
      const key = `${r.event.type}\u0000${outcomes[i] ?? 'handled'}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      this.durationOf(r.event.type).observe(seconds);
    });
    for (const [key, n] of counts) {
      const [type = '', outcome = 'handled'] = key.split('\u0000');
      this.metrics.messages.inc({ group: this.groupId, type, outcome }, n);
    }
  }

  /**
   * The delivery transaction. A failure of a single message is recorded on its span, which stays
   * open for the retry; a failed batch is about to be retried message by message, so it says nothing
   * about any one of them.
   */
  private async transact<T>(ready: Ready<DB>[], work: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
    try {
      return await this.options.db.transaction().execute(work);
    } catch (error) {
      if (ready.length === 1) ready[0]?.span.recordException(asException(error));
      throw error;
    }
  }

  /**
   * Run a handler as part of its message's span, with the message's correlation id, subject (the
   * order id on saga topics) and trace ids on every log line it writes.
   */
  private within<T>(ready: Ready<DB>, work: () => Promise<T>): Promise<T> {
    const { envelope } = ready.event;
    return context.with(trace.setSpan(ROOT_CONTEXT, ready.span), () =>
      withLogFields(
        {
          correlationId: envelope.correlationid,
          subject: envelope.subject,
          messageId: envelope.id,
          eventType: envelope.type,
        },
        work,
      ),
    );
  }

  /**
   * Run `work` once for a message. A retriable failure with attempts left seeks back to the
   * message, pauses the partition for the backoff and abandons the batch: the partition is fetched
   * again from this message when it resumes. The partition waits (per-key order holds),
   * while the others, which share the fetch loop, go on. Attempts are counted across those fetches.
   */
  private async attempt<T>(
    payload: EachBatchPayload,
    message: KafkaMessage,
    work: () => Promise<T>,
    /** Settles earlier work of the partition; false = the batch is being abandoned. */
    before: () => Promise<boolean> = () => Promise.resolve(true),
  ): Promise<Attempt<T>> {
    const where = `${payload.batch.topic}/${String(payload.batch.partition)}`;
    const prior = this.retrying.get(where);
    const state = prior?.offset === message.offset ? prior : undefined;
    const attempts = (state?.attempts ?? 0) + 1;
    try {
      // The retry state stays until the message is settled (resolved or parked): preparing it may
      // succeed while handling it fails again.
      return { ok: true, value: await work() };
    } catch (error) {
      if (!(await before())) return { ok: false, aborted: true };
      const now = new Date();
      const firstFailureAt = state?.firstFailureAt ?? now;
      const retriable = isRetriable(error);
      if (!retriable || attempts >= this.maxAttempts) {
        return {
          ok: false,
          failure: {
            error,
            reason: reasonOf(error, retriable),
            attempts,
            firstFailureAt,
            lastFailureAt: now,
          },
        };
      }
      this.retrying.set(where, { offset: message.offset, attempts, firstFailureAt });
      const type = headerString(message.headers, 'ce_type') ?? 'unknown';
      this.metrics.retries.inc({ group: this.groupId, type });
      const delay = backoffMs(attempts, this.backoff);
      this.log.warn(
        {
          group: this.groupId,
          type,
          partition: where,
          offset: message.offset,
          attempts,
          delayMs: Math.round(delay),
          error: errorMessage(error),
        },
        'retriable failure; retrying after a pause',
      );
      // kafkajs does not rewind to unresolved offsets on its own: seek back to this message.
      this.consumer.seek({
        topic: payload.batch.topic,
        partition: payload.batch.partition,
        offset: message.offset,
      });
      const resume = payload.pause();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resume();
      }, delay);
      this.timers.add(timer);
      return { ok: false, aborted: true };
    }
  }

  private async park(payload: EachBatchPayload, message: KafkaMessage, failure: Failure): Promise<void> {
    const { topic, partition } = payload.batch;
    this.log.error(
      {
        group: this.groupId,
        topic,
        partition,
        offset: message.offset,
        correlationId: headerString(message.headers, 'correlationid'),
        subject: headerString(message.headers, 'ce_subject'),
        reason: failure.reason,
        errorClass: errorClass(failure.error),
        error: errorMessage(failure.error),
        attempts: failure.attempts,
      },
      'message dead-lettered',
    );
    // Parking must not be skipped: if it fails the offset stays unresolved and the batch is retried.
    await this.deadLetters.park({ topic, partition }, message, failure);
    this.count(headerString(message.headers, 'ce_type'), 'dead_lettered');
    this.settle(payload, message.offset);
  }

  /** Mark a partition done up to `offset`, and forget its retry state if that was the message. */
  private settle(payload: EachBatchPayload, offset: string): void {
    payload.resolveOffset(offset);
    const where = `${payload.batch.topic}/${String(payload.batch.partition)}`;
    const retrying = this.retrying.get(where);
    if (retrying && BigInt(retrying.offset) <= BigInt(offset)) this.retrying.delete(where);
  }

  private async resolve(payload: EachBatchPayload, entry: Prepared<DB> | undefined): Promise<boolean> {
    if (entry) this.settle(payload, entry.message.offset);
    try {
      await payload.commitOffsetsIfNecessary();
      await payload.heartbeat();
    } catch {
      return false;
    }
    return true;
  }

  private live(payload: EachBatchPayload): boolean {
    return !this.stopping && payload.isRunning() && !payload.isStale();
  }

  /** The histogram's child per type, so observing a message does not hash its labels. */
  private durationOf(type: string): { observe(seconds: number): void } {
    let child = this.durations.get(type);
    if (!child) {
      child = this.metrics.handlerDuration.labels({ group: this.groupId, type });
      this.durations.set(type, child);
    }
    return child;
  }

  /**
   * Every series of the group's counters exists from the start, at 0: a rate over a counter that
   * appears at 1 misses that first count, and a dashboard shows 0 retries rather than no data.
   */
  private zeroCounters(): void {
    for (const type of this.router.types) {
      this.metrics.retries.inc({ group: this.groupId, type }, 0);
      for (const outcome of messageOutcomes)
        this.metrics.messages.inc({ group: this.groupId, type, outcome }, 0);
    }
  }

  private count(type: string | undefined, outcome: Outcome): void {
    this.metrics.messages.inc({ group: this.groupId, type: type ?? 'unknown', outcome });
  }

  private async dlqDepth(): Promise<number> {
    const row = await messagingView(this.options.db)
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('consumer_group', '=', this.groupId)
      .where('status', '=', 'parked')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function asException(error: unknown): Error | string {
  return error instanceof Error ? error : String(error);
}
