import { OrderNotFoundError } from '../../src/domain/index.js';
import {
  at,
  cancelledHistories,
  confirmed,
  confirmedPaidFirst,
  orderCancelled,
  orderConfirmed,
  paidBeforeReserved,
  placed,
  recordStockInsufficient,
  recordStockReserved,
  reserved,
  shipped,
  spec,
  stockReserved,
} from './fixtures.js';

const shortages = [{ sku: 'SKU-1', requested: 2, available: 1 }];

describe('RecordStockReserved', () => {
  it('moves a placed order to reserved', () => {
    spec
      .given(placed)
      .when(recordStockReserved(at(1)))
      .then([stockReserved(at(1))]);
  });

  it('confirms at once when the charge overtook the reservation', () => {
    spec
      .given(paidBeforeReserved)
      .when(recordStockReserved(at(2)))
      .then([stockReserved(at(2)), orderConfirmed(at(2))]);
  });

  it.each([
    ['reserved (a redelivery)', reserved],
    ['confirmed', confirmed],
    ['confirmed, paid first', confirmedPaidFirst],
    ['shipped', shipped],
    ...Object.entries(cancelledHistories),
  ])('does nothing when the order is %s', (_state, history) => {
    spec
      .given(history)
      .when(recordStockReserved(at(9)))
      .thenNothing();
  });

  it('refuses an order that was never placed', () => {
    spec
      .given([])
      .when(recordStockReserved(at(1)))
      .thenThrows(OrderNotFoundError, /RecordStockReserved: no such order/);
  });
});

describe('RecordStockInsufficient', () => {
  it('cancels a placed order, saying what was short', () => {
    spec
      .given(placed)
      .when(
        recordStockInsufficient(
          [
            { sku: 'SKU-1', requested: 2, available: 1 },
            { sku: 'SKU-2', requested: 1, available: 0 },
          ],
          at(1),
        ),
      )
      .then([
        orderCancelled(
          'stock-insufficient',
          'SKU-1: requested 2, available 1; SKU-2: requested 1, available 0',
          at(1),
        ),
      ]);
  });

  it('cancels with no detail when inventory listed no shortage', () => {
    spec
      .given(placed)
      .when(recordStockInsufficient([], at(1)))
      .then([orderCancelled('stock-insufficient', null, at(1))]);
  });

  it('cancels even when a charge already arrived (payment refunds it on OrderCancelled)', () => {
    spec
      .given(paidBeforeReserved)
      .when(recordStockInsufficient(shortages, at(2)))
      .then([orderCancelled('stock-insufficient', 'SKU-1: requested 2, available 1', at(2))]);
  });

  it.each([
    ['reserved (the first answer stands)', reserved],
    ['confirmed', confirmed],
    ['shipped', shipped],
    ...Object.entries(cancelledHistories),
  ])('does nothing when the order is %s', (_state, history) => {
    spec
      .given(history)
      .when(recordStockInsufficient(shortages, at(9)))
      .thenNothing();
  });

  it('refuses an order that was never placed', () => {
    spec
      .given([])
      .when(recordStockInsufficient(shortages, at(1)))
      .thenThrows(OrderNotFoundError);
  });
});
