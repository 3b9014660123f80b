import { deciderSpec } from '@acme/testing/decider-spec';
import { InvalidPaymentCommandError, OrderMismatchError, paymentDecider } from '../../src/domain/index.js';
import { cmd, ev, histories, rows } from './fixtures.js';

const spec = deciderSpec(paymentDecider);

describe('RequestCharge (on StockReserved)', () => {
  it('requests the charge of the registered amount', () => {
    spec.given(histories.registered).when(cmd.requestCharge()).then([ev.requested()]);
  });

  it('defers the charge when StockReserved overtakes OrderPlaced', () => {
    spec.given(histories.fresh).when(cmd.requestCharge()).then([ev.deferred()]);
  });

  it.each(rows('cancelledFirst', 'deferredThenCancelled', 'registeredCancelled'))(
    'never charges a cancelled order (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.requestCharge()).thenNothing();
    },
  );

  it.each(
    rows(
      'deferred',
      'requested',
      'requestedCancelled',
      'pending',
      'charged',
      'declined',
      'declinedAsync',
      'refundRequested',
      'refunded',
    ),
  )(
    'charges once per order: a redelivered StockReserved with a new attempt id does nothing (%s)',
    (_n, history) => {
      spec.given(history).when(cmd.requestCharge('attempt-2')).thenNothing();
    },
  );

  it('refuses a StockReserved of another order', () => {
    spec
      .given(histories.registered)
      .when({ type: 'RequestCharge', data: { orderId: 'order-2', attemptId: 'a' }, metadata: { now: 1 } })
      .thenThrows(OrderMismatchError, /belongs to order order-1, not order-2/);
  });

  it('refuses an empty attempt id', () => {
    spec
      .given(histories.registered)
      .when(cmd.requestCharge(''))
      .thenThrows(InvalidPaymentCommandError, /attemptId/);
  });
});
