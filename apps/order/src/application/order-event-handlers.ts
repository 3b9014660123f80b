import type {
  PaymentChargedV1,
  PaymentFailedV1,
  StockAddedV1,
  StockInsufficientV1,
  StockReservedV1,
} from '@acme/contracts';
import { PermanentError } from '@acme/messaging';
import { ConsumeEvent, EventContext } from '@acme/messaging/nest';
import { Inject, Injectable } from '@nestjs/common';
import { OrderNotFoundError, type OrderCommand } from '../domain/index.js';
import { recordSku } from '../infrastructure/catalogue.repository.js';
import type { OrderDatabase } from '../infrastructure/database.js';
import { OrderCommands } from './order-commands.js';

type Context = EventContext<OrderDatabase>;

/**
 * The order's reactions to inventory's and payment's facts. Every write goes through `ctx.tx`, the
 * inbox transaction, so a redelivered event is skipped and a failed one leaves nothing behind.
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

  @ConsumeEvent('com.acme.inventory.stock-reserved.v1')
  async stockReserved(data: StockReservedV1, ctx: Context): Promise<void> {
    await this.record(ctx, data.orderId, { type: 'RecordStockReserved', data: {}, metadata: now() });
  }

  @ConsumeEvent('com.acme.inventory.stock-insufficient.v1')
  async stockInsufficient(data: StockInsufficientV1, ctx: Context): Promise<void> {
    const shortages = data.shortages.map(({ sku, requested, available }) => ({ sku, requested, available }));
    await this.record(ctx, data.orderId, {
      type: 'RecordStockInsufficient',
      data: { shortages },
      metadata: now(),
    });
  }

  @ConsumeEvent('com.acme.payment.charged.v1')
  async paymentCharged(data: PaymentChargedV1, ctx: Context): Promise<void> {
    const { paymentId, amountMinor, currency } = data;
    await this.record(ctx, data.orderId, {
      type: 'RecordPaymentCharged',
      data: { paymentId, amountMinor, currency },
      metadata: now(),
    });
  }

  @ConsumeEvent('com.acme.payment.failed.v1')
  async paymentFailed(data: PaymentFailedV1, ctx: Context): Promise<void> {
    const { code, reason } = data;
    await this.record(ctx, data.orderId, {
      type: 'RecordPaymentFailed',
      data: { code, reason },
      metadata: now(),
    });
  }

  /**
   * A reply about an order this service never placed cannot come from the saga — inventory and
   * payment only answer the OrderPlaced we publish after it committed — so it is a bug or a foreign
   * producer: no retry will make the order appear, and it goes to the dead-letter topic for a person.
   */
  private async record(ctx: Context, orderId: string, command: OrderCommand): Promise<void> {
    try {
      await this.commands.execute(ctx.tx, orderId, command, ctx.cause);
    } catch (error) {
      if (error instanceof OrderNotFoundError)
        throw new PermanentError(`${ctx.envelope.type} for order ${orderId}, which does not exist`, {
          cause: error,
        });
      throw error;
    }
  }
}

/** The time the order learns the fact: its own clock, read once per command. */
const now = () => ({ now: Date.now() });
