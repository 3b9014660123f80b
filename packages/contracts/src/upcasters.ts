import type { EventDataByType } from './generated/types.js';
import { defineUpcasters } from './upcasting.js';

/**
 * The upcasters between contract types: each breaking change (a new type) adds the step from the
 * type it replaces, so a consumer or an event store that reads old events sees only the newest.
 */
export const contractUpcasters = defineUpcasters<EventDataByType>()({
  'com.acme.order.placed.v1': {
    to: 'com.acme.order.placed.v2',
    lift: (v1) => ({
      orderId: v1.orderId,
      // v1 never carried a name; null is what v2 says for "not given".
      customer: { id: v1.customerId, email: v1.customerEmail, name: null },
      lines: v1.lines,
      currency: v1.currency,
      totalMinor: v1.totalMinor,
      paymentToken: v1.paymentToken,
      placedAt: v1.placedAt,
      deadlineAt: v1.deadlineAt,
    }),
  },
});

/**
 * Lifts contract event data to the newest type reachable from `type`; types without upcaster pass
 * unchanged.
 *
 * @example
 * const { type, data } = upcast('com.acme.order.placed.v1', placedV1);
 * // type: 'com.acme.order.placed.v2', data.customer: { id, email, name: null }
 */
export const upcast = contractUpcasters.upcast;

/**
 * Lifts contract event data to `target`, or returns `undefined` when `target` cannot be reached
 * from `type` (e.g. a handler of v2 given an unrelated type, or a newer type than it knows).
 *
 * @example
 * const v2 = upcastTo('com.acme.order.placed.v2', event.type, event.data);
 */
export const upcastTo = contractUpcasters.upcastTo;
