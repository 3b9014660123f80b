import {
  handleCommand,
  handleCommands,
  withConflictRetry,
  type CommandOutcome,
  type Executor,
} from '@acme/event-store';
import type { Cause } from '@acme/messaging';
import { holdDeadline, holdDeadlines } from '@acme/scheduler';
import type { Transaction } from 'kysely';
import { OUTBOX, type Outbox } from '@acme/service';
import { Inject, Injectable } from '@nestjs/common';
import {
  orderDecider,
  orderStreamId,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '../domain/index.js';
import { toIntegrationEvents } from './integration-events.js';
import { followDeadline, followDeadlines, ORDER_TIMEOUT } from './order-deadline.js';
import { SagaMetrics } from './saga-metrics.js';

export type OrderOutcome = CommandOutcome<OrderState, OrderEvent>;

/** One command of a run for `executeMany`. */
export interface OrderCommandItem {
  orderId: string;
  command: OrderCommand;
  cause: Cause;
}

/**
 * The one way a command reaches an order: load → decide → append, then — in the same transaction —
 * the integration events into the outbox and the deadline kept in step. Given an event handler's or
 * the deadline worker's transaction, it joins it. Domain errors pass through untouched. The sagas
 * it ends are counted in the saga metrics.
 */
@Injectable()
export class OrderCommands {
  constructor(
    @Inject(OUTBOX) private readonly outbox: Outbox,
    @Inject(SagaMetrics) private readonly sagas: SagaMetrics,
  ) {}

  async execute(db: Executor, orderId: string, command: OrderCommand, cause: Cause): Promise<OrderOutcome> {
    // Every writer locks the order's deadline before its stream: the worker firing the deadline
    // holds it and then appends, and a writer that appended first and cancelled the deadline after
    // would deadlock with it (or with a reply from inventory or payment doing the same). An HTTP
    // command (cancel racing a confirmation) therefore runs in a transaction of its own that takes
    // the deadline first. An order being placed has no deadline yet: nothing to take.
    if (!db.isTransaction && command.type !== 'PlaceOrder')
      return withConflictRetry(db, (tx) => this.execute(tx, orderId, command, cause), {
        what: orderStreamId(orderId),
      });
    if (db.isTransaction) await holdDeadline(db, { kind: ORDER_TIMEOUT, key: orderId });
    // The order as decide saw it on the attempt that was kept (a conflict decides again).
    let before: OrderState = orderDecider.initialState();
    const outcome = await handleCommand(db, {
      decider: {
        ...orderDecider,
        decide: (c, state) => {
          before = state;
          return orderDecider.decide(c, state);
        },
      },
      streamId: orderStreamId(orderId),
      command,
      correlationId: cause.correlationId,
      causationId: cause.causationId,
      afterAppend: async (tx, { events }) => {
        await this.outbox.publish(tx, toIntegrationEvents(events, cause));
        await followDeadline(tx, events, cause);
      },
    });
    // On our own connection handleCommand has committed by now. In a caller's transaction (an event
    // handler's, the deadline worker's) the commit is still to come, and kysely has no post-commit
    // hook: should that transaction roll back after this handler (a later message of the batch
    // failing, the commit itself failing), the saga is counted now and again when it is redone.
    if (!outcome.replayed) this.sagas.observe(before, outcome.events);
    return outcome;
  }

  /**
   * A run of commands (an event handler's batch of replies, a group of orders being placed) in the
   * caller's transaction, with the same steps as `execute` done once for all: the orders'
   * deadlines held in one statement (in key order, before any stream), the orders loaded, decided
   * and appended set-based, their integration events enqueued and their deadlines followed
   * together. Any failure fails the run; the caller then executes its commands one by one.
   */
  async executeMany<DB>(db: Transaction<DB>, items: readonly OrderCommandItem[]): Promise<OrderOutcome[]> {
    const tx = db as unknown as Transaction<unknown>;
    const [only] = items;
    if (items.length === 1 && only) return [await this.execute(tx, only.orderId, only.command, only.cause)];
    // An order being placed has no deadline yet: nothing to take.
    await holdDeadlines(
      tx,
      ORDER_TIMEOUT,
      items.filter((item) => item.command.type !== 'PlaceOrder').map((item) => item.orderId),
    );
    const outcomes = await handleCommands(tx, {
      decider: orderDecider,
      commands: items.map(({ orderId, command, cause }) => ({
        streamId: orderStreamId(orderId),
        command,
        correlationId: cause.correlationId,
        causationId: cause.causationId,
        ...(cause.traceparent ? { traceparent: cause.traceparent } : {}),
      })),
      afterAppend: async (tx, outcomes) => {
        const caused = outcomes.map((outcome, i) => ({ events: outcome.events, cause: items[i]?.cause }));
        await this.outbox.publish(
          tx,
          caused.flatMap(({ events, cause }) => (cause ? toIntegrationEvents(events, cause) : [])),
        );
        await followDeadlines(tx, caused);
      },
    });
    for (const outcome of outcomes) this.sagas.observe(outcome.before, outcome.events);
    return outcomes;
  }
}
