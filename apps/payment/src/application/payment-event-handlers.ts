import { randomUUID } from 'node:crypto';
import type { OrderCancelledV1, OrderPlacedV2, StockReservedV1 } from '@acme/contracts';
import { ConsumeEvent, type EventContext } from '@acme/messaging/nest';
import { Inject, Injectable } from '@nestjs/common';
import type { PaymentTables } from '../infrastructure/tables.js';
import { PaymentProcess } from './payment-process.js';

/**
 * The facts payment reacts to. Each runs in the inbox transaction (a redelivered event is skipped);
 * domain errors are not retriable (straight to the DLQ), provider timeouts are.
 *
 * Handlers take (data, context) positionally: the app does not depend on @nestjs/microservices for
 * `@Payload()`/`@Ctx()`, and without parameter decorators Nest passes the runtime's arguments as is.
 */
@Injectable()
export class PaymentEventHandlers {
  constructor(@Inject(PaymentProcess) private readonly process: PaymentProcess) {}

  /** Learn what to charge; a StockReserved that came first (ChargeDeferred) is charged now. */
  @ConsumeEvent('com.acme.order.placed.v2')
  async orderPlaced(order: OrderPlacedV2, ctx: EventContext<PaymentTables>): Promise<void> {
    const { orderId, totalMinor, currency, paymentToken } = order;
    await this.process.run(
      ctx.tx,
      orderId,
      { type: 'RegisterOrder', data: { orderId, amountMinor: totalMinor, currency, paymentToken } },
      ctx.cause,
    );
  }

  /**
   * Charge, once per order: a second StockReserved (redelivered under a new id, or published
   * twice) decides nothing. Before OrderPlaced the domain records ChargeDeferred and charges when
   * the order registers. The new attempt id becomes the paymentId if this one is the first.
   */
  @ConsumeEvent('com.acme.inventory.stock-reserved.v1')
  async stockReserved(reserved: StockReservedV1, ctx: EventContext<PaymentTables>): Promise<void> {
    const { orderId } = reserved;
    await this.process.run(
      ctx.tx,
      orderId,
      { type: 'RequestCharge', data: { orderId, attemptId: randomUUID() } },
      ctx.cause,
    );
  }

  /** Compensate: refund a charge (also one that lands later); never charge afterwards. */
  @ConsumeEvent('com.acme.order.cancelled.v1')
  async orderCancelled(cancelled: OrderCancelledV1, ctx: EventContext<PaymentTables>): Promise<void> {
    await this.process.run(
      ctx.tx,
      cancelled.orderId,
      { type: 'OrderCancelled', data: { reason: cancelled.reason } },
      ctx.cause,
    );
  }
}
