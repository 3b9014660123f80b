import type { EventDataByType } from '@acme/contracts';
import type { InboundEvent } from '@acme/messaging';
import { ConsumeEvents, type EventBatchContext } from '@acme/messaging/nest';
import { Inject, Injectable } from '@nestjs/common';
import { OrderStockService, type OrderStep } from './order-stock.service.js';

const placed = 'com.acme.order.placed.v2';
const cancelled = 'com.acme.order.cancelled.v1';

type OrderPlaced = EventDataByType[typeof placed];
type OrderCancelled = EventDataByType[typeof cancelled];

/**
 * Inventory's side of the order saga (topic `order.events`): OrderPlaced reserves all lines or
 * none (→ stock-reserved.v1 or stock-insufficient.v1), OrderCancelled gives the order's units
 * back (→ stock-released.v1, nothing when nothing was held). Both come in runs — consecutive
 * events of a partition in one inbox transaction, `ctx.tx` — so a run takes its SKU locks once,
 * in one sorted acquisition, and reads each SKU once (see `OrderStockService.apply`).
 *
 * A redelivered event (same id) is skipped by the inbox, and an OrderPlaced published twice under
 * different ids is answered once by the order's reservation stream. Malformed lines
 * (`InventoryValidationError`, not retriable) fail the run; handled one by one, that event goes
 * to the dead-letter topic and the rest are answered.
 */
@Injectable()
export class OrderEventsHandler {
  constructor(@Inject(OrderStockService) private readonly stock: OrderStockService) {}

  @ConsumeEvents([placed, cancelled])
  async orderEvents(
    events: readonly InboundEvent<OrderPlaced | OrderCancelled>[],
    ctx: EventBatchContext,
  ): Promise<void> {
    await this.stock.apply(ctx.tx, events.map(toStep));
  }
}

function toStep(event: InboundEvent<OrderPlaced | OrderCancelled>): OrderStep {
  if (event.type === placed) {
    const order = event.data as OrderPlaced;
    const lines = order.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    return { kind: 'reserve', orderId: order.orderId, lines, cause: event.cause };
  }
  return { kind: 'release', orderId: event.data.orderId, cause: event.cause };
}
