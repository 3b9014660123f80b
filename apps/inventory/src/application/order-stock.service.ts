import {
  aggregateStream,
  appendToStream,
  ConcurrencyError,
  withConflictRetry,
  type Executor,
} from '@acme/event-store';
import type { Cause } from '@acme/messaging';
import { OUTBOX, type Outbox } from '@acme/service';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Transaction } from 'kysely';
import {
  releaseOrderStock,
  reservationDecider,
  reservationStreamId,
  reserveOrderStock,
  type ReservationState,
  type StockDecision,
  type StockLine,
} from '../domain/index.js';
import { lockSkus } from '../infrastructure/sku-locks.js';
import { appendSkus, loadSkus, type LoadedSku } from '../infrastructure/sku-streams.js';
import { reservationAnswers } from './integration-events.js';
import { INVENTORY_OPTIONS, type InventoryOptions } from './inventory.tokens.js';

/** What a step did: the order's answer was recorded now, or it had been answered before. */
export type StepOutcome = 'reserved' | 'insufficient' | 'released' | 'nothing';

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

  private async readSkus(tx: Transaction<unknown>, skus: readonly string[]): Promise<Map<string, LoadedSku>> {
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
