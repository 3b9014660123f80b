import type { Decider } from '@acme/event-store';
import type { OrderCommand } from './commands.js';
import { decide } from './decide.js';
import { orderEventTypes, type OrderEvent } from './events.js';
import { evolve, initialOrderState, type OrderState } from './state.js';

/**
 * One order per stream (`orderStreamId(orderId)`). No snapshots: an order's stream holds a handful
 * of events.
 *
 * @example
 *   await handleCommand(db, {
 *     decider: orderDecider,
 *     streamId: orderStreamId(orderId),
 *     command: { type: 'ShipOrder', data: {}, metadata: { now: Date.now() } },
 *   });
 */
export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  streamType: 'order',
  eventTypes: orderEventTypes,
  initialState: initialOrderState,
  evolve,
  decide,
};

export const orderStreamId = (orderId: string): string => `order-${orderId}`;
