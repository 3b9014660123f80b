import type { EventDataByType } from '@acme/contracts';
import { handleCommand, handleCommands } from '@acme/event-store';
import type { InboundEvent } from '@acme/messaging';
import { ConsumeEvents, type EventBatchContext } from '@acme/messaging/nest';
import { Injectable } from '@nestjs/common';
import { notificationDecider, notificationStreamId, type NotificationCommand } from '../domain/index.js';
import { scheduleRequestedEmails } from './email-jobs.js';

type Data<T extends keyof EventDataByType> = EventDataByType[T];
type FactCommand = Exclude<NotificationCommand, { type: 'RecordSent' }>;
/** A fact command before it is stamped with the time (distributes over the union, keeping type and data paired). */
type Unstamped<C> = C extends unknown ? Omit<C, 'metadata'> : never;

const placed = 'com.acme.order.placed.v2';
const confirmed = 'com.acme.order.confirmed.v1';
const cancelled = 'com.acme.order.cancelled.v1';
const shipped = 'com.acme.order.shipped.v1';

type OrderFact = Data<typeof placed> | Data<typeof confirmed> | Data<typeof cancelled> | Data<typeof shipped>;

/**
 * order.events → the order's notification stream. Nothing here talks to the mail server: each
 * e-mail the decider requests becomes an `email.send` job in the same inbox transaction, and the
 * deadline worker sends it (a slow or absent mail server then delays e-mails, never consumption).
 * Once per event: the inbox skips a redelivered event, the decider ignores a fact it has handled,
 * and a job is keyed by the e-mail's dedupe key. Domain errors are not retriable (→ dead-letter,
 * once the failed run is handled event by event).
 *
 * Events come in runs (consecutive events of a partition in one transaction): their commands are
 * decided and appended together (`handleCommands`), and their jobs scheduled in one statement.
 */
@Injectable()
export class OrderEventHandlers {
  @ConsumeEvents([placed, confirmed, cancelled, shipped])
  async orderEvents(events: readonly InboundEvent<OrderFact>[], ctx: EventBatchContext): Promise<void> {
    const now = Date.now();
    const facts = events.map((event) => ({ event, orderId: event.data.orderId, command: commandOf(event) }));
    const [only] = facts;
    // Alone (also each event of a failed run): decided again when the e-mail sender moved the
    // stream meanwhile, as handleCommand does.
    if (facts.length === 1 && only) {
      const { event, orderId, command } = only;
      await handleCommand(ctx.tx, {
        decider: notificationDecider,
        streamId: notificationStreamId(orderId),
        command: { ...command, metadata: { now } },
        correlationId: event.cause.correlationId,
        causationId: event.envelope.id,
        afterAppend: (tx, { events: appended }) =>
          scheduleRequestedEmails(tx, [{ orderId, events: appended }], now),
      });
      return;
    }
    await handleCommands(ctx.tx, {
      decider: notificationDecider,
      commands: facts.map(({ event, orderId, command }) => ({
        streamId: notificationStreamId(orderId),
        command: { ...command, metadata: { now } },
        correlationId: event.cause.correlationId,
        causationId: event.envelope.id,
        ...(event.cause.traceparent ? { traceparent: event.cause.traceparent } : {}),
      })),
      afterAppend: (tx, outcomes) =>
        scheduleRequestedEmails(
          tx,
          outcomes.map((outcome, i) => ({ orderId: facts[i]?.orderId ?? '', events: outcome.events })),
          now,
        ),
    });
  }
}

/** The notification stream's command for an order fact. */
function commandOf(event: InboundEvent<OrderFact>): Unstamped<FactCommand> {
  const eventId = event.envelope.id;
  switch (event.type) {
    case placed: {
      const { orderId, customer, lines, currency, totalMinor } = event.data as Data<typeof placed>;
      return {
        type: 'OrderPlaced',
        data: {
          eventId,
          orderId,
          customer: { id: customer.id, email: customer.email, name: customer.name },
          lines: lines.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
          currency,
          totalMinor,
        },
      };
    }
    case confirmed:
      return { type: 'OrderConfirmed', data: { eventId, orderId: event.data.orderId } };
    case cancelled: {
      const { orderId, reason, detail } = event.data as Data<typeof cancelled>;
      return { type: 'OrderCancelled', data: { eventId, orderId, reason, detail } };
    }
    default:
      return { type: 'OrderShipped', data: { eventId, orderId: event.data.orderId } };
  }
}
