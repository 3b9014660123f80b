import type {
  PaymentChargedV1,
  PaymentFailedV1,
  StockAddedV1,
  StockInsufficientV1,
  StockReservedV1,
} from '@acme/contracts';
import { PermanentError } from '@acme/messaging';
import type { InboundEvent } from '@acme/messaging';
import { ConsumeEvent, ConsumeEvents, EventBatchContext, EventContext } from '@acme/messaging/nest';
import { Inject, Injectable } from '@nestjs/common';
import { OrderNotFoundError, type OrderCommand } from '../domain/index.js';
import { recordSku } from '../infrastructure/catalogue.repository.js';
import type { OrderDatabase } from '../infrastructure/database.js';
import { OrderCommands } from './order-commands.js';

const stockReserved = 'com.acme.inventory.stock-reserved.v1';
const stockInsufficient = 'com.acme.inventory.stock-insufficient.v1';
const paymentCharged = 'com.acme.payment.charged.v1';
const paymentFailed = 'com.acme.payment.failed.v1';

type Reply = StockReservedV1 | StockInsufficientV1 | PaymentChargedV1 | PaymentFailedV1;

type Context = EventContext<OrderDatabase>;
type BatchContext = EventBatchContext<OrderDatabase>;

/**
 * The order's reactions to inventory's and payment's facts. Every write goes through `ctx.tx`, the
 * inbox transaction, so a redelivered event is skipped and a failed one leaves nothing behind.
 * A failed run is handled again one event at a time, so a poison reply is parked alone.
 *
 * The handlers take `(data, ctx)` positionally: with no parameter decorators Nest hands the
 * runtime's arguments over as they are, and the app need not depend on @nestjs/microservices
 * just for `@Payload()` and `@Ctx()`.
 */
@Injectable()
export class OrderEventHandlers {
  constructor(@Inject(OrderCommands) private readonly commands: OrderCommands) {}

  @ConsumeEvent('com.acme.inventory.stock-added.v1')
  async stockAdded(data: StockAddedV1, ctx: Context): Promise<void> {
    await recordSku(ctx.tx, data.sku, new Date(data.addedAt));
  }

  /**
   * Inventory's and payment's answers about orders, in runs: one run's commands are executed
   * together (`OrderCommands.executeMany`), one answer alone on its own.
   */
  @ConsumeEvents([stockReserved, stockInsufficient, paymentCharged, paymentFailed])
  async replies(events: readonly InboundEvent<Reply>[], ctx: BatchContext): Promise<void> {
    const items = events.map((event) => ({
      orderId: event.data.orderId,
      command: toCommand(event),
      cause: event.cause,
    }));
    try {
      await this.commands.executeMany(ctx.tx, items);
    } catch (error) {
      // A reply about an order this service never placed cannot come from the saga — inventory and
      // payment only answer the OrderPlaced we publish after it committed — so it is a bug or a
      // foreign producer: no retry will make the order appear, and it goes to the dead-letter topic.
      const [only] = events;
      if (error instanceof OrderNotFoundError && events.length === 1 && only)
        throw new PermanentError(
          `${only.envelope.type} for order ${only.data.orderId}, which does not exist`,
          {
            cause: error,
          },
        );
      throw error;
    }
  }
}

/** The command a reply asks of its order. */
function toCommand(event: InboundEvent<Reply>): OrderCommand {
  const metadata = now();
  switch (event.type) {
    case stockReserved:
      return { type: 'RecordStockReserved', data: {}, metadata };
    case stockInsufficient: {
      const { shortages } = event.data as StockInsufficientV1;
      return {
        type: 'RecordStockInsufficient',
        data: {
          shortages: shortages.map(({ sku, requested, available }) => ({ sku, requested, available })),
        },
        metadata,
      };
    }
    case paymentCharged: {
      const { paymentId, amountMinor, currency } = event.data as PaymentChargedV1;
      return { type: 'RecordPaymentCharged', data: { paymentId, amountMinor, currency }, metadata };
    }
    case paymentFailed: {
      const { code, reason } = event.data as PaymentFailedV1;
      return { type: 'RecordPaymentFailed', data: { code, reason }, metadata };
    }
    default:
      throw new PermanentError(`the order service does not handle ${event.type}`);
  }
}

/** The time the order learns the fact: its own clock, read once per command. */
const now = () => ({ now: Date.now() });
