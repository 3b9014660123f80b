import { OrderNotConfirmedError, OrderNotFoundError, type OrderEvent } from '../../src/domain/index.js';
import {
  at,
  cancelledHistories,
  confirmed,
  confirmedPaidFirst,
  orderShipped,
  paidBeforeReserved,
  placed,
  reserved,
  shipOrder,
  shipped,
  spec,
} from './fixtures.js';

describe('ShipOrder', () => {
  it.each([
    ['confirmed', confirmed],
    ['confirmed, paid first', confirmedPaidFirst],
  ])('ships a %s order', (_state, history) => {
    spec
      .given(history)
      .when(shipOrder(at(5)))
      .then([orderShipped(at(5))]);
  });

  it('does nothing for a shipped order (a retried request)', () => {
    spec
      .given(shipped)
      .when(shipOrder(at(6)))
      .thenNothing();
  });

  it.each<[string, OrderEvent[]]>([
    ['placed', placed],
    ['placed', paidBeforeReserved],
    ['reserved', reserved],
    ...Object.entries(cancelledHistories).map(([, history]): [string, OrderEvent[]] => [
      'cancelled',
      history,
    ]),
  ])('refuses a %s order', (status, history) => {
    spec
      .given(history)
      .when(shipOrder(at(5)))
      .thenThrows(OrderNotConfirmedError, new RegExp(`ord-1 is ${status}, not confirmed`));
  });

  it('refuses an order that was never placed', () => {
    spec
      .given([])
      .when(shipOrder(at(5)))
      .thenThrows(OrderNotFoundError);
  });
});
