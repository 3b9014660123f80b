import { BaseRpcContext } from '@nestjs/microservices';
import type { Transaction } from 'kysely';
import type { InboundEvent } from '../consumer/handler.js';
import type { Envelope } from '../envelope.js';
import type { Cause } from '../publish.js';

/**
 * What an `@EventPattern` handler gets with `@Ctx()`: the consumed event and the transaction it
 * runs in. That transaction also records the event in the inbox, so the handler's writes must go
 * through `tx` — then they commit exactly once with it, or roll back with it on a failure.
 *
 * Guards and interceptors see it too: `context.switchToRpc().getContext<EventContext>()`.
 *
 * @example
 *   @EventPattern('com.acme.order.placed.v2')
 *   async reserve(@Payload() data: OrderPlaced, @Ctx() ctx: EventContext<Database>) {
 *     await ctx.tx.insertInto('reservations').values({ orderId: data.orderId }).execute();
 *     await enqueue(ctx.tx, [events.toMessage({ ..., cause: ctx.cause })]);
 *   }
 */
export class EventContext<DB = unknown, T = unknown> extends BaseRpcContext<
  [InboundEvent<T>, Transaction<DB>]
> {
  /** The event as the runtime delivers it (type upcast to the handler's, decoded data). */
  get event(): InboundEvent<T> {
    return this.args[0];
  }

  /** The inbox transaction: use it for every write of the handler. */
  get tx(): Transaction<DB> {
    return this.args[1];
  }

  /** The CloudEvents attributes as received (`type` is the one on the wire). */
  get envelope(): Envelope {
    return this.event.envelope;
  }

  /** Pass it to the events the handler publishes: correlation kept, causation = this event. */
  get cause(): Cause {
    return this.event.cause;
  }

  get topic(): string {
    return this.event.topic;
  }

  get partition(): number {
    return this.event.partition;
  }

  get offset(): string {
    return this.event.offset;
  }
}

/**
 * What a batch handler (`@ConsumeEvents`) gets after the events: the run's transaction. One run
 * is consecutive fresh events of the handler's types from one partition, in order, all recorded in
 * the inbox by that transaction — one event when the runtime handles messages one by one (after a
 * failed batch, or with batches off).
 */
export class EventBatchContext<DB = unknown, T = unknown> extends BaseRpcContext<
  [readonly InboundEvent<T>[], Transaction<DB>]
> {
  get events(): readonly InboundEvent<T>[] {
    return this.args[0];
  }

  /** The inbox transaction of the whole run: every write of the handler goes through it. */
  get tx(): Transaction<DB> {
    return this.args[1];
  }
}
