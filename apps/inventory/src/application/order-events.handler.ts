import type { EventDataByType } from '@acme/contracts';
import { ConsumeEvent, type EventContext } from '@acme/messaging/nest';
import { Inject, Injectable } from '@nestjs/common';
import { OrderStockService } from './order-stock.service.js';

type OrderPlaced = EventDataByType['com.acme.order.placed.v2'];
type OrderCancelled = EventDataByType['com.acme.order.cancelled.v1'];

/**
 * Inventory's side of the order saga (topic `order.events`). Every write goes through `ctx.tx`,
 * the inbox transaction: a redelivered event (same id) is skipped by the inbox, and an OrderPlaced
 * published twice under different ids is answered once by the order's reservation stream.
 * Malformed lines (`InventoryValidationError`, not retriable) go to the dead-letter topic.
 *
 * No `@Payload()`/`@Ctx()`: they live in @nestjs/microservices, which is not a dependency of this
 * app; without parameter decorators Nest passes the runtime's arguments as they are — the decoded
 * data, then the `EventContext` — which is exactly what those decorators would pick.
 */
@Injectable()
export class OrderEventsHandler {
  constructor(@Inject(OrderStockService) private readonly stock: OrderStockService) {}

  /** Reserve all lines or none → stock-reserved.v1 or stock-insufficient.v1. */
  @ConsumeEvent('com.acme.order.placed.v2')
  async placed(order: OrderPlaced, ctx: EventContext): Promise<void> {
    const lines = order.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    await this.stock.reserve(ctx.tx, { orderId: order.orderId, lines }, ctx.cause);
  }

  /** Give the order's units back → stock-released.v1 (nothing when nothing was held). */
  @ConsumeEvent('com.acme.order.cancelled.v1')
  async cancelled(order: OrderCancelled, ctx: EventContext): Promise<void> {
    await this.stock.release(ctx.tx, order.orderId, ctx.cause);
  }
}
