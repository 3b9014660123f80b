import type { EventDataByType } from '@acme/contracts';
import { handleCommand } from '@acme/event-store';
import { ConsumeEvent, type EventContext } from '@acme/messaging/nest';
import { Injectable } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { notificationDecider, notificationStreamId, type NotificationCommand } from '../domain/index.js';
import { scheduleRequestedEmails } from './email-jobs.js';

type Data<T extends keyof EventDataByType> = EventDataByType[T];
type FactCommand = Exclude<NotificationCommand, { type: 'RecordSent' }>;
/** A fact command before it is stamped with the time (distributes over the union, keeping type and data paired). */
type Unstamped<C> = C extends unknown ? Omit<C, 'metadata'> : never;

/**
 * order.events → the order's notification stream. Nothing here talks to the mail server: each
 * e-mail the decider requests becomes an `email.send` job in the same inbox transaction, and the
 * deadline worker sends it (a slow or absent mail server then delays e-mails, never consumption).
 * Once per event: the inbox skips a redelivered event, the decider ignores a fact it has handled,
 * and a job is keyed by the e-mail's dedupe key. Domain errors are not retriable (→ dead-letter).
 */
@Injectable()
export class OrderEventHandlers {
  @ConsumeEvent('com.acme.order.placed.v2')
  async placed(@Payload() data: Data<'com.acme.order.placed.v2'>, @Ctx() ctx: EventContext): Promise<void> {
    const { orderId, customer, lines, currency, totalMinor } = data;
    await this.notify(ctx, orderId, {
      type: 'OrderPlaced',
      data: {
        eventId: ctx.envelope.id,
        orderId,
        customer: { id: customer.id, email: customer.email, name: customer.name },
        lines: lines.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
        currency,
        totalMinor,
      },
    });
  }

  @ConsumeEvent('com.acme.order.confirmed.v1')
  async confirmed(
    @Payload() data: Data<'com.acme.order.confirmed.v1'>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.notify(ctx, data.orderId, {
      type: 'OrderConfirmed',
      data: { eventId: ctx.envelope.id, orderId: data.orderId },
    });
  }

  @ConsumeEvent('com.acme.order.cancelled.v1')
  async cancelled(
    @Payload() data: Data<'com.acme.order.cancelled.v1'>,
    @Ctx() ctx: EventContext,
  ): Promise<void> {
    await this.notify(ctx, data.orderId, {
      type: 'OrderCancelled',
      data: { eventId: ctx.envelope.id, orderId: data.orderId, reason: data.reason, detail: data.detail },
    });
  }

  @ConsumeEvent('com.acme.order.shipped.v1')
  async shipped(@Payload() data: Data<'com.acme.order.shipped.v1'>, @Ctx() ctx: EventContext): Promise<void> {
    await this.notify(ctx, data.orderId, {
      type: 'OrderShipped',
      data: { eventId: ctx.envelope.id, orderId: data.orderId },
    });
  }

  private async notify(ctx: EventContext, orderId: string, command: Unstamped<FactCommand>): Promise<void> {
    const now = Date.now();
    await handleCommand(ctx.tx, {
      decider: notificationDecider,
      streamId: notificationStreamId(orderId),
      command: { ...command, metadata: { now } },
      correlationId: ctx.cause.correlationId,
      causationId: ctx.envelope.id,
      afterAppend: (tx, { events }) => scheduleRequestedEmails(tx, orderId, events, now),
    });
  }
}
