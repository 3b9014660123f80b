import { handleCommand, type CommandOutcome, type Executor } from '@acme/event-store';
import type { Cause } from '@acme/messaging';
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
import { followDeadline } from './order-deadline.js';

export type OrderOutcome = CommandOutcome<OrderState, OrderEvent>;

/**
 * The one way a command reaches an order: load → decide → append, then — in the same transaction —
 * the integration events into the outbox and the deadline kept in step. Given an event handler's or
 * the deadline worker's transaction, it joins it. Domain errors pass through untouched.
 */
@Injectable()
export class OrderCommands {
  constructor(@Inject(OUTBOX) private readonly outbox: Outbox) {}

  async execute(db: Executor, orderId: string, command: OrderCommand, cause: Cause): Promise<OrderOutcome> {
    return handleCommand(db, {
      decider: orderDecider,
      streamId: orderStreamId(orderId),
      command,
      correlationId: cause.correlationId,
      causationId: cause.causationId,
      afterAppend: async (tx, { events }) => {
        await this.outbox.publish(tx, toIntegrationEvents(events, cause));
        await followDeadline(tx, events, cause);
      },
    });
  }
}
