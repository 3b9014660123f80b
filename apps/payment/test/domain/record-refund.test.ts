import { deciderSpec } from '@acme/testing/decider-spec';
import {
  InvalidPaymentCommandError,
  NoRefundRequestedError,
  paymentDecider,
} from '../../src/domain/index.js';
import { cmd, ev, histories, rows } from './fixtures.js';

const spec = deciderSpec(paymentDecider);

describe('RecordRefund', () => {
  it.each(rows('refundRequested', 'lateChargeRefundRequested'))(
    'records the refund (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.recordRefund()).then([ev.refunded()]);
    },
  );

  it('ignores the same answer again', () => {
    spec.given(histories.refunded).when(cmd.recordRefund()).thenNothing();
  });

  it.each(rows('fresh', 'registered', 'requested', 'pending', 'charged', 'declined', 'requestedCancelled'))(
    'refuses a refund that was never requested (%s)',
    (_name, history) => {
      spec
        .given(history)
        .when(cmd.recordRefund())
        .thenThrows(NoRefundRequestedError, /no refund was requested/);
    },
  );

  it('refuses an empty refund id', () => {
    spec
      .given(histories.refundRequested)
      .when(cmd.recordRefund(''))
      .thenThrows(InvalidPaymentCommandError, /providerRefundId/);
  });
});
