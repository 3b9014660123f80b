import { deciderSpec } from '@acme/testing/decider-spec';
import {
  NoChargeRequestedError,
  paymentDecider,
  ProviderPaymentMismatchError,
} from '../../src/domain/index.js';
import { cmd, ev, histories, rows } from './fixtures.js';

const spec = deciderSpec(paymentDecider);

describe('ConfirmFromWebhook', () => {
  it('charges a pending payment the provider confirmed', () => {
    spec.given(histories.pending).when(cmd.webhook('succeeded')).then([ev.charged()]);
  });

  it('declines a pending payment the provider failed', () => {
    spec.given(histories.pending).when(cmd.webhook('failed')).then([ev.webhookFailed()]);
  });

  it('refunds at once a confirmation that arrives after the order was cancelled', () => {
    spec
      .given(histories.pendingCancelled)
      .when(cmd.webhook('succeeded'))
      .then([ev.charged(), ev.refundRequested()]);
  });

  it('records a failure after cancellation; nothing to refund', () => {
    spec.given(histories.pendingCancelled).when(cmd.webhook('failed')).then([ev.webhookFailed()]);
  });

  it('settles a payment whose webhook overtook the provider answer', () => {
    spec.given(histories.requested).when(cmd.webhook('succeeded')).then([ev.charged()]);
  });

  it.each(rows('charged', 'declinedAsync', 'refundRequested', 'refunded'))(
    'ignores a redelivered webhook (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.webhook('succeeded')).thenNothing();
      spec.given(history).when(cmd.webhook('failed')).thenNothing();
    },
  );

  it.each(rows('pending', 'charged'))('refuses a webhook about another payment (%s)', (_name, history) => {
    spec.given(history).when(cmd.webhook('succeeded', 'pi_other')).thenThrows(ProviderPaymentMismatchError);
  });

  it.each(rows('fresh', 'deferred', 'registered', 'cancelledFirst'))(
    'refuses a webhook when no charge was requested (%s)',
    (_name, history) => {
      spec
        .given(history)
        .when(cmd.webhook('succeeded'))
        .thenThrows(NoChargeRequestedError, /webhook/);
    },
  );
});
