import { randomUUID } from 'node:crypto';
import { startCause } from '@acme/messaging';
import { continueTrace } from '@acme/telemetry';
import type { Deadline, DeadlineHandler } from '@acme/scheduler';
import type { OrderCommands } from './order-commands.js';
import { ORDER_TIMEOUT, type OrderTimeoutPayload } from './order-deadline.js';

/**
 * The handlers of the order's durable deadlines, for the platform's deadline worker. A timeout
 * runs ExpireOrder in the worker's claiming transaction: an order still waiting is cancelled
 * (cancelled.v1, reason TIMEOUT); one that was confirmed or cancelled first is left alone (the
 * decider returns no events). A deadline firing early (clocks apart) fails retriably and is
 * tried again later.
 */
export function orderDeadlineHandlers(commands: OrderCommands): Record<string, DeadlineHandler<unknown>> {
  return {
    [ORDER_TIMEOUT]: async (deadline: Deadline, tx) => {
      const placedBy = payloadOf(deadline);
      await continueTrace(
        'order.timeout',
        placedBy.traceparent,
        async (traceparent) => {
          const commandId = randomUUID();
          const cause = startCause(commandId, placedBy.correlationId ?? commandId, traceparent);
          await commands.execute(
            tx,
            deadline.key,
            { type: 'ExpireOrder', data: {}, metadata: { now: Date.now() } },
            cause,
          );
        },
        { 'acme.order_id': deadline.key },
      );
    },
  };
}

/** The correlation id and trace of the request that placed the order: its timeout joins them. */
function payloadOf(deadline: Deadline): Partial<OrderTimeoutPayload> {
  const payload = deadline.payload as Partial<OrderTimeoutPayload> | null;
  return {
    ...(typeof payload?.correlationId === 'string' ? { correlationId: payload.correlationId } : {}),
    ...(typeof payload?.traceparent === 'string' ? { traceparent: payload.traceparent } : {}),
  };
}
