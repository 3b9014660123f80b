import { deciderSpec } from '@acme/testing/decider-spec';
import { paymentDecider } from '../../src/domain/index.js';
import { cmd, ev, histories, rows } from './fixtures.js';

const spec = deciderSpec(paymentDecider);

describe('OrderCancelled', () => {
  it.each(rows('fresh', 'deferred', 'registered'))(
    'cancels the charge intent before any money moved (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.cancel()).then([ev.cancelled()]);
    },
  );

  it.each(rows('requested', 'pending'))(
    'cancels a charge whose outcome is unknown; a later success gets refunded (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.cancel()).then([ev.cancelled()]);
    },
  );

  it('requests the refund of a charged order', () => {
    spec.given(histories.charged).when(cmd.cancel()).then([ev.refundRequested()]);
  });

  it.each(rows('declined', 'declinedAsync'))(
    'has nothing to give back after a decline (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.cancel()).thenNothing();
    },
  );

  it.each(
    rows(
      'cancelledFirst',
      'deferredThenCancelled',
      'registeredCancelled',
      'requestedCancelled',
      'pendingCancelled',
      'refundRequested',
      'lateChargeRefundRequested',
      'refunded',
    ),
  )('ignores a redelivered OrderCancelled (%s)', (_name, history) => {
    spec.given(history).when(cmd.cancel()).thenNothing();
  });
});
