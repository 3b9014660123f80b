import { deciderSpec } from '@acme/testing/decider-spec';
import {
  NoChargeRequestedError,
  paymentDecider,
  ProviderPaymentMismatchError,
} from '../../src/domain/index.js';
import { cmd, ev, histories, PROVIDER_PAYMENT_ID, rows } from './fixtures.js';

const spec = deciderSpec(paymentDecider);

describe('RecordProviderResult', () => {
  describe('succeeded', () => {
    it('records the charge', () => {
      spec.given(histories.requested).when(cmd.succeeded()).then([ev.charged()]);
    });

    it('refunds at once a charge that succeeds after the order was cancelled (timeout)', () => {
      spec
        .given(histories.requestedCancelled)
        .when(cmd.succeeded())
        .then([ev.charged(), ev.refundRequested()]);
    });

    it('settles a pending payment when a repeated call returns the final answer', () => {
      spec.given(histories.pending).when(cmd.succeeded()).then([ev.charged()]);
    });

    it.each(
      rows(
        'charged',
        'declined',
        'declinedAsync',
        'refundRequested',
        'lateChargeRefundRequested',
        'refunded',
      ),
    )('is a duplicate once settled (%s)', (_name, history) => {
      spec.given(history).when(cmd.succeeded()).thenNothing();
    });

    it.each(rows('pending', 'charged', 'refunded'))(
      'refuses another provider payment id (%s)',
      (_n, history) => {
        spec
          .given(history)
          .when(cmd.succeeded('pi_other'))
          .thenThrows(
            ProviderPaymentMismatchError,
            new RegExp(`pi_other does not match .* ${PROVIDER_PAYMENT_ID}`),
          );
      },
    );
  });

  describe('declined', () => {
    it('records the decline (published as PaymentFailed)', () => {
      spec.given(histories.requested).when(cmd.declined()).then([ev.declined()]);
    });

    it('records the decline of a cancelled order; nothing to refund', () => {
      spec.given(histories.requestedCancelled).when(cmd.declined()).then([ev.declined()]);
    });

    it('settles a pending payment, keeping its provider id', () => {
      spec
        .given(histories.pending)
        .when(cmd.declined())
        .then([ev.declined(PROVIDER_PAYMENT_ID)]);
    });

    it.each(rows('charged', 'declined', 'refundRequested', 'refunded'))(
      'is ignored once settled (%s)',
      (_n, history) => {
        spec.given(history).when(cmd.declined()).thenNothing();
      },
    );
  });

  describe('pending', () => {
    it('waits for the webhook', () => {
      spec.given(histories.requested).when(cmd.pending()).then([ev.pending()]);
    });

    it('waits for the webhook even when the order was cancelled meanwhile', () => {
      spec.given(histories.requestedCancelled).when(cmd.pending()).then([ev.pending()]);
    });

    it.each(rows('pending', 'pendingCancelled', 'charged', 'declinedAsync', 'refunded'))(
      'is a duplicate after the first answer (%s)',
      (_name, history) => {
        spec.given(history).when(cmd.pending()).thenNothing();
      },
    );

    it('refuses another provider payment id', () => {
      spec.given(histories.pending).when(cmd.pending('pi_other')).thenThrows(ProviderPaymentMismatchError);
    });
  });

  it.each(rows('fresh', 'deferred', 'registered', 'cancelledFirst', 'registeredCancelled'))(
    'refuses a result when no charge was requested (%s)',
    (_name, history) => {
      spec
        .given(history)
        .when(cmd.succeeded())
        .thenThrows(NoChargeRequestedError, /no charge was requested/);
    },
  );
});
