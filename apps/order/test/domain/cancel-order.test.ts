import { OrderAlreadyShippedError, OrderNotFoundError } from '../../src/domain/index.js';
import {
  at,
  cancelledHistories,
  cancelOrder,
  confirmed,
  confirmedPaidFirst,
  orderCancelled,
  paidBeforeReserved,
  placed,
  reserved,
  shipped,
  spec,
} from './fixtures.js';

describe('CancelOrder (customer)', () => {
  it.each([
    ['placed', placed],
    ['placed, charge noted', paidBeforeReserved],
    ['reserved', reserved],
    ['confirmed', confirmed],
    ['confirmed, paid first', confirmedPaidFirst],
  ])('cancels a %s order', (_state, history) => {
    spec
      .given(history)
      .when(cancelOrder(at(5)))
      .then([orderCancelled('customer-request', null, at(5))]);
  });

  it.each(Object.entries(cancelledHistories))(
    'does nothing when the order was already %s',
    (_state, history) => {
      spec
        .given(history)
        .when(cancelOrder(at(5)))
        .thenNothing();
    },
  );

  it('refuses a shipped order', () => {
    spec
      .given(shipped)
      .when(cancelOrder(at(5)))
      .thenThrows(OrderAlreadyShippedError, /ord-1 is already shipped/);
  });

  it('refuses an order that was never placed', () => {
    spec
      .given([])
      .when(cancelOrder(at(5)))
      .thenThrows(OrderNotFoundError, /CancelOrder: no such order/);
  });
});
