import { OrderNotFoundError, type OrderEvent } from '../../src/domain/index.js';
import {
  at,
  cancelledAfterConfirmation,
  cancelledByCustomer,
  cancelledHistories,
  confirmed,
  confirmedPaidFirst,
  orderCancelled,
  orderConfirmed,
  orderId,
  paidBeforeReserved,
  paymentCharged,
  placed,
  recordPaymentCharged,
  recordPaymentFailed,
  reserved,
  shipped,
  spec,
  timedOut,
  totalMinor,
} from './fixtures.js';

const unapplied = (
  type: 'PaymentReceivedAfterCancellation' | 'AdditionalPaymentReceived',
  paymentId: string,
  receivedAt: number,
): OrderEvent => ({
  type,
  data: { orderId, paymentId, amountMinor: totalMinor, currency: 'EUR', receivedAt },
});

describe('RecordPaymentCharged', () => {
  it('confirms a reserved order', () => {
    spec
      .given(reserved)
      .when(recordPaymentCharged(at(2)))
      .then([paymentCharged(at(2)), orderConfirmed(at(2))]);
  });

  it('notes a charge that overtook the reservation, and waits for it', () => {
    spec
      .given(placed)
      .when(recordPaymentCharged(at(1)))
      .then([paymentCharged(at(1))]);
  });

  it.each([
    ['reserved', reserved],
    ['placed', placed],
  ])('cancels a %s order charged the wrong amount, so payment refunds it', (_state, history) => {
    spec
      .given(history)
      .when(recordPaymentCharged(at(2), 'pay-1', totalMinor - 1))
      .then([
        paymentCharged(at(2), 'pay-1', totalMinor - 1),
        orderCancelled(
          'payment-failed',
          `charged ${totalMinor - 1} EUR, but the order total is ${totalMinor} EUR`,
          at(2),
        ),
      ]);
  });

  it('cancels an order charged in another currency', () => {
    spec
      .given(reserved)
      .when(recordPaymentCharged(at(2), 'pay-1', totalMinor, 'USD'))
      .then([
        paymentCharged(at(2), 'pay-1', totalMinor, 'USD'),
        orderCancelled(
          'payment-failed',
          `charged ${totalMinor} USD, but the order total is ${totalMinor} EUR`,
          at(2),
        ),
      ]);
  });

  it.each([
    ['noted before the reservation', paidBeforeReserved],
    ['confirmed', confirmed],
    ['confirmed, paid first', confirmedPaidFirst],
    ['shipped', shipped],
    ['cancelled after confirmation', cancelledAfterConfirmation],
  ])('does nothing for a redelivered charge when the order is %s', (_state, history) => {
    spec
      .given(history)
      .when(recordPaymentCharged(at(9)))
      .thenNothing();
  });

  it.each(Object.entries(cancelledHistories).filter(([name]) => name !== 'cancelled after confirmation'))(
    'records a charge arriving after the order was %s (payment refunds it)',
    (_state, history) => {
      spec
        .given(history)
        .when(recordPaymentCharged(at(20)))
        .then([unapplied('PaymentReceivedAfterCancellation', 'pay-1', at(20))]);
    },
  );

  it('records a late charge once, however often it is redelivered', () => {
    spec
      .given([...timedOut, unapplied('PaymentReceivedAfterCancellation', 'pay-1', at(20))])
      .when(recordPaymentCharged(at(21)))
      .thenNothing();
  });

  it('records a second, different charge on a cancelled order that had one', () => {
    spec
      .given(cancelledAfterConfirmation)
      .when(recordPaymentCharged(at(9), 'pay-2'))
      .then([unapplied('PaymentReceivedAfterCancellation', 'pay-2', at(9))]);
  });

  it.each([
    ['noted before the reservation', paidBeforeReserved],
    ['confirmed', confirmed],
    ['shipped', shipped],
  ])('records a second, different charge when the order is %s, without changing it', (_state, history) => {
    spec
      .given(history)
      .when(recordPaymentCharged(at(9), 'pay-2'))
      .then([unapplied('AdditionalPaymentReceived', 'pay-2', at(9))]);
  });

  it('records an additional charge once', () => {
    spec
      .given([...confirmed, unapplied('AdditionalPaymentReceived', 'pay-2', at(9))])
      .when(recordPaymentCharged(at(10), 'pay-2'))
      .thenNothing();
  });

  it('refuses an order that was never placed', () => {
    spec
      .given([])
      .when(recordPaymentCharged(at(1)))
      .thenThrows(OrderNotFoundError, /RecordPaymentCharged/);
  });
});

describe('RecordPaymentFailed', () => {
  it.each([
    ['reserved', reserved],
    ['placed (the failure overtook the reservation)', placed],
  ])('cancels a %s order, with the provider code and reason', (_state, history) => {
    spec
      .given(history)
      .when(recordPaymentFailed(at(2)))
      .then([orderCancelled('payment-failed', 'card_declined: insufficient funds', at(2))]);
  });

  it.each([
    ['already charged (a stale failure)', paidBeforeReserved],
    ['confirmed', confirmed],
    ['shipped', shipped],
    ...Object.entries(cancelledHistories),
  ])('does nothing when the order is %s', (_state, history) => {
    spec
      .given(history)
      .when(recordPaymentFailed(at(9)))
      .thenNothing();
  });

  it('does nothing for a redelivered failure', () => {
    spec
      .given([...reserved, orderCancelled('payment-failed', 'card_declined: insufficient funds', at(2))])
      .when(recordPaymentFailed(at(3)))
      .thenNothing();
  });

  it('refuses an order that was never placed', () => {
    spec
      .given([])
      .when(recordPaymentFailed(at(1)))
      .thenThrows(OrderNotFoundError);
  });

  it('keeps a cancelled order cancelled when its charge comes last', () => {
    spec
      .given([...cancelledByCustomer])
      .when(recordPaymentCharged(at(2)))
      .then([unapplied('PaymentReceivedAfterCancellation', 'pay-1', at(2))]);
  });
});
