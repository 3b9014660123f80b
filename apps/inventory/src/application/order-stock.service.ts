import {
  aggregateStream,
  aggregateStreams,
  appendToStream,
  appendToStreams,
  ConcurrencyError,
  withConflictRetry,
  type Executor,
  type StreamAppend,
} from '@acme/event-store';
import type { Cause, OutgoingEvent } from '@acme/messaging';
import { OUTBOX, type Outbox } from '@acme/service';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  releaseOrderStock,
  reservationDecider,
  reservationStreamId,
  reserveOrderStock,
  skuDecider,
  skuStreamId,
  type ReservationState,
  type StockDecision,
  type StockLine,
} from '../domain/index.js';
import { lockSkus } from '../infrastructure/sku-locks.js';
import { appendSkus, loadSkus, saveSkus, type LoadedSku } from '../infrastructure/sku-streams.js';
import { reservationAnswers } from './integration-events.js';
import { INVENTORY_OPTIONS, type InventoryOptions } from './inventory.tokens.js';

/** What a step did: the order's answer was recorded now, or it had been answered before. */
export type StepOutcome = 'reserved' | 'insufficient' | 'released' | 'nothing';

/** One order event of the saga, as `apply` takes them: OrderPlaced or OrderCancelled. */
export type OrderStep =
  | { kind: 'reserve'; orderId: string; lines: readonly StockLine[]; cause: Cause }
  | { kind: 'release'; orderId: string; cause: Cause };

/**
 * Reserving and releasing an order's stock: every SKU stream of the order and the order's
 * reservation stream decided together and appended in one transaction (the caller's — an event
 * handler's inbox transaction — under a savepoint per attempt), with the integration event in the
 * outbox of that same transaction. On a version conflict the whole step is read and decided again
 * (`withConflictRetry`); after `conflictAttempts` it throws `TooManyConflictsError`, which is
 * retriable, so the consumer tries the message again later.
 */
@Injectable()
export class OrderStockService {
  private readonly log = new Logger(OrderStockService.name);
  /** Version conflicts seen since start (each one cost a re-read and a new decision). */
  conflicts = 0;

  constructor(
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(INVENTORY_OPTIONS) private readonly options: InventoryOptions,
  ) {}

  /**
   * A run of order events from one partition, in its order, in the caller's transaction. One step
   * alone goes through `reserve` or `release` (conflicts decided again under a savepoint). More go
   * together: every reservation stream is read, then the locks of every SKU any of them can touch
   * are taken in one sorted acquisition — before anything else is locked or read, so two batches
   * cannot deadlock — each SKU is read once, and the steps are decided one after the other on the
   * states as the earlier ones left them. A refused order is an answer like any other; only an
   * error fails the run, and the runtime then handles its events one by one.
   */
  async apply(tx: Transaction<unknown>, steps: readonly OrderStep[]): Promise<StepOutcome[]> {
    const [only] = steps;
    if (steps.length === 1 && only)
      return [
        only.kind === 'reserve'
          ? await this.reserve(tx, only, only.cause)
          : await this.release(tx, only.orderId, only.cause),
      ];
    try {
      return await this.applyTogether(tx, steps);
    } catch (error) {
      if (error instanceof ConcurrencyError) this.conflicts++;
      throw error;
    }
  }

  private async applyTogether(tx: Transaction<unknown>, steps: readonly OrderStep[]): Promise<StepOutcome[]> {
    const now = Date.now();
    const reservations = await aggregateStreams(
      tx,
      steps.map((step) => reservationStreamId(step.orderId)),
      reservationDecider,
    );
    const reservationOf = (orderId: string) =>
      reservations.get(reservationStreamId(orderId)) ?? {
        state: reservationDecider.initialState(),
        version: 0,
        eventsRead: 0,
      };
    // Placed orders may hold their lines; released ones give back what they hold now (an order
    // placed earlier in this run holds a subset of its own lines, already in the set).
    const touched = new Set<string>();
    for (const step of steps) {
      const reservation = reservationOf(step.orderId).state;
      if (step.kind === 'reserve') for (const line of step.lines) touched.add(line.sku);
      else if (reservation.status === 'reserved') for (const line of reservation.lines) touched.add(line.sku);
    }
    const skus = await this.readSkus(tx, touched);
    const before = new Map([...skus].map(([sku, { version }]) => [sku, version]));
    // Decided one after the other on the states the earlier steps left; appended all at once.
    const appends: StreamAppend[] = [];
    const answers: OutgoingEvent[] = [];
    const outcomes: StepOutcome[] = [];
    for (const step of steps) {
      const reservation = reservationOf(step.orderId);
      const decision =
        step.kind === 'reserve'
          ? reservation.state.status === 'none'
            ? reserveOrderStock({ ...step, now }, reservation.state, stateOf(skus))
            : undefined
          : releaseOrderStock({ orderId: step.orderId, now }, reservation.state, stateOf(skus));
      if (!decision || decision.reservation.length === 0) {
        outcomes.push('nothing');
        continue;
      }
      const { correlationId, causationId, traceparent } = step.cause;
      const cause = { correlationId, causationId, ...(traceparent ? { traceparent } : {}) };
      for (const { sku, events } of decision.skus) {
        const loaded = skus.get(sku) ?? { state: skuDecider.initialState(), version: 0 };
        appends.push({
          streamId: skuStreamId(sku),
          events,
          options: {
            streamType: skuDecider.streamType,
            expectedVersion: loaded.version,
            knownTypes: skuDecider.eventTypes,
            ...cause,
          },
        });
        skus.set(sku, {
          state: events.reduce((state, event) => skuDecider.evolve(state, event), loaded.state),
          version: loaded.version + events.length,
        });
      }
      appends.push({
        streamId: reservationStreamId(step.orderId),
        events: decision.reservation,
        options: {
          streamType: reservationDecider.streamType,
          expectedVersion: reservation.version,
          knownTypes: reservationDecider.eventTypes,
          ...cause,
        },
      });
      reservations.set(reservationStreamId(step.orderId), {
        state: decision.reservation.reduce(
          (state, event) => reservationDecider.evolve(state, event),
          reservation.state,
        ),
        version: reservation.version + decision.reservation.length,
        eventsRead: reservation.eventsRead,
      });
      answers.push(...reservationAnswers(decision.reservation, step.cause));
      outcomes.push(outcomeOf(decision));
    }
    await appendToStreams(tx, appends);
    await saveSkus(tx, before, skus);
    if (answers.length > 0) await this.outbox.publish(tx, answers);
    return outcomes;
  }

  /** OrderPlaced: hold every line or none; an order answered before gets nothing new. */
  reserve(
    db: Executor,
    order: { orderId: string; lines: readonly StockLine[] },
    cause: Cause,
  ): Promise<StepOutcome> {
    const now = Date.now();
    return this.step(db, order.orderId, cause, async (tx, reservation) => {
      // Answered already (reserved, refused, or cancelled first): nothing to lock or read.
      if (reservation.status !== 'none') return undefined;
      const skus = await this.readSkus(
        tx,
        order.lines.map((l) => l.sku),
      );
      return { skus, decision: reserveOrderStock({ ...order, now }, reservation, stateOf(skus)) };
    });
  }

  /**
   * OrderCancelled: give back what the order holds. Cancelled before it was ever answered, the
   * order gets a tombstone instead, so an OrderPlaced seen later reserves nothing.
   */
  release(db: Executor, orderId: string, cause: Cause): Promise<StepOutcome> {
    const now = Date.now();
    return this.step(db, orderId, cause, async (tx, reservation) => {
      const held = reservation.status === 'reserved' ? reservation.lines.map((l) => l.sku) : [];
      const skus = await this.readSkus(tx, held);
      return { skus, decision: releaseOrderStock({ orderId, now }, reservation, stateOf(skus)) };
    });
  }

  private step(
    db: Executor,
    orderId: string,
    cause: Cause,
    decide: (
      tx: Transaction<unknown>,
      reservation: ReservationState,
    ) => Promise<{ skus: Map<string, LoadedSku>; decision: StockDecision } | undefined>,
  ): Promise<StepOutcome> {
    const streamId = reservationStreamId(orderId);
    const appendCause = { correlationId: cause.correlationId, causationId: cause.causationId };
    return withConflictRetry(
      db,
      async (tx) => {
        try {
          const reservation = await aggregateStream(tx, streamId, reservationDecider);
          const decided = await decide(tx, reservation.state);
          if (!decided || decided.decision.reservation.length === 0) return 'nothing';
          const { skus, decision } = decided;
          await appendSkus(tx, decision.skus, skus, appendCause);
          await appendToStream(tx, streamId, decision.reservation, {
            streamType: reservationDecider.streamType,
            expectedVersion: reservation.version,
            knownTypes: reservationDecider.eventTypes,
            ...appendCause,
          });
          await this.outbox.publish(tx, reservationAnswers(decision.reservation, cause));
          return outcomeOf(decision);
        } catch (error) {
          if (error instanceof ConcurrencyError) {
            this.conflicts++;
            this.log.debug(`conflict on ${error.streamId} for order ${orderId}; deciding again`);
          }
          throw error;
        }
      },
      { what: streamId, maxAttempts: this.options.conflictAttempts },
    );
  }

  private async readSkus(tx: Transaction<unknown>, skus: Iterable<string>): Promise<Map<string, LoadedSku>> {
    if (this.options.skuLocks) await lockSkus(tx, skus);
    return loadSkus(tx, skus);
  }
}

const stateOf = (skus: ReadonlyMap<string, LoadedSku>) =>
  new Map([...skus].map(([sku, { state }]) => [sku, state]));

function outcomeOf(decision: StockDecision): StepOutcome {
  switch (decision.reservation[0]?.type) {
    case 'ReservationMade':
      return 'reserved';
    case 'ReservationRefused':
      return 'insufficient';
    case 'ReservationReleased':
      return 'released';
    default:
      return 'nothing';
  }
}
