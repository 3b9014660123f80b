import { OrderDeadlineNotReachedError, OrderNotFoundError } from '../../src/domain/index.js';
import {
  at,
  cancelledHistories,
  confirmed,
  deadlineAt,
  expireOrder,
  orderCancelled,
  paidBeforeReserved,
  placed,
  reserved,
  shipped,
  spec,
} from './fixtures.js';

describe('ExpireOrder (the deadline trigger)', () => {
  it.each([
    ['placed', placed, 'waiting for stock reservation and payment'],
    ['reserved', reserved, 'waiting for payment'],
    ['placed, charge noted', paidBeforeReserved, 'waiting for stock reservation'],
  ])('cancels a %s order with reason timeout, saying what it waited for', (_state, history, waiting) => {
    spec
      .given(history)
      .when(expireOrder(deadlineAt))
      .then([orderCancelled('timeout', `not confirmed by the deadline: ${waiting}`, deadlineAt)]);
  });

  it('cancels an order whose trigger fires late', () => {
    spec
      .given(placed)
      .when(expireOrder(at(60)))
      .then([
        orderCancelled(
          'timeout',
          'not confirmed by the deadline: waiting for stock reservation and payment',
          at(60),
        ),
      ]);
  });

  it.each([
    ['confirmed (confirmation won the race)', confirmed],
    ['shipped', shipped],
    ...Object.entries(cancelledHistories),
  ])('does nothing when the order is %s', (_state, history) => {
    spec
      .given(history)
      .when(expireOrder(at(60)))
      .thenNothing();
  });

  it('refuses to fire before the deadline, retriably (the trigger keeps its row)', () => {
    spec
      .given(reserved)
      .when(expireOrder(deadlineAt - 1))
      .thenThrows(OrderDeadlineNotReachedError, /deadline \d+ not reached/);
    expect(new OrderDeadlineNotReachedError('o', 2, 1).retriable).toBe(true);
  });

  it('refuses an order that was never placed', () => {
    spec.given([]).when(expireOrder(deadlineAt)).thenThrows(OrderNotFoundError);
  });
});
