import { randomUUID } from 'node:crypto';
import type { OrderCancelledV1, OrderPlacedV2, StockReservedV1 } from '@acme/contracts';
import type { InboundEvent } from '@acme/messaging';
import { ConsumeEvents, type EventBatchContext } from '@acme/messaging/nest';
import { Inject, Injectable } from '@nestjs/common';
import type { PaymentTables } from '../infrastructure/tables.js';
import { PaymentProcess, type PaymentStep } from './payment-process.js';

const orderPlaced = 'com.acme.order.placed.v2';
const stockReserved = 'com.acme.inventory.stock-reserved.v1';
const orderCancelled = 'com.acme.order.cancelled.v1';

type Fact = OrderPlacedV2 | StockReservedV1 | OrderCancelledV1;

/**
 * The facts payment reacts to, in runs (consecutive events of a partition in one inbox
 * transaction; a redelivered event is skipped): each becomes a command on the order's payment
 * stream, and the run's commands are run together (`PaymentProcess.runMany`). Domain errors are
 * not retriable (straight to the DLQ once the run is handled event by event), provider timeouts are.
 *
 * - OrderPlaced: learn what to charge; a StockReserved that came first (ChargeDeferred) is charged now.
 * - StockReserved: charge, once per order — a second one (redelivered under a new id, or published
 *   twice) decides nothing; before OrderPlaced the domain records ChargeDeferred. The new attempt
 *   id becomes the paymentId if this one is the first.
 * - OrderCancelled: compensate — refund a charge (also one that lands later); never charge afterwards.
 */
@Injectable()
export class PaymentEventHandlers {
  constructor(@Inject(PaymentProcess) private readonly process: PaymentProcess) {}

  @ConsumeEvents([orderPlaced, stockReserved, orderCancelled])
  async facts(events: readonly InboundEvent<Fact>[], ctx: EventBatchContext<PaymentTables>): Promise<void> {
    await this.process.runMany(ctx.tx, events.map(toStep));
  }
}

function toStep(event: InboundEvent<Fact>): PaymentStep {
  const cause = event.cause;
  if (event.type === orderPlaced) {
    const { orderId, totalMinor, currency, paymentToken } = event.data as OrderPlacedV2;
    return {
      orderId,
      cause,
      command: { type: 'RegisterOrder', data: { orderId, amountMinor: totalMinor, currency, paymentToken } },
    };
  }
  if (event.type === stockReserved) {
    const { orderId } = event.data as StockReservedV1;
    return { orderId, cause, command: { type: 'RequestCharge', data: { orderId, attemptId: randomUUID() } } };
  }
  const { orderId, reason } = event.data as OrderCancelledV1;
  return { orderId, cause, command: { type: 'OrderCancelled', data: { reason } } };
}
