import { deciderSpec } from '@acme/testing/decider-spec';
import { InvalidPaymentCommandError, paymentDecider, type PaymentCommand } from '../../src/domain/index.js';
import { cmd, ev, histories, rows } from './fixtures.js';

const spec = deciderSpec(paymentDecider);

describe('RegisterOrder (on OrderPlaced)', () => {
  it('registers what to charge', () => {
    spec.given(histories.fresh).when(cmd.register()).then([ev.registered()]);
  });

  it('charges at once when StockReserved arrived first', () => {
    spec.given(histories.deferred).when(cmd.register()).then([ev.registered(), ev.requested()]);
  });

  it.each(rows('cancelledFirst', 'deferredThenCancelled'))(
    'registers but charges nothing when the order was already cancelled (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.register()).then([ev.registered()]);
    },
  );

  it.each(
    rows('registered', 'registeredCancelled', 'requested', 'pending', 'charged', 'declined', 'refunded'),
  )('ignores a redelivered OrderPlaced (%s)', (_name, history) => {
    spec.given(history).when(cmd.register()).thenNothing();
  });

  const base = cmd.register();
  const withData = (
    data: Partial<Extract<PaymentCommand, { type: 'RegisterOrder' }>['data']>,
  ): PaymentCommand => (base.type === 'RegisterOrder' ? { ...base, data: { ...base.data, ...data } } : base);

  it.each([
    ['a zero amount', withData({ amountMinor: 0 }), /positive integer/],
    ['a negative amount', withData({ amountMinor: -100 }), /positive integer/],
    ['a fractional amount', withData({ amountMinor: 12.5 }), /positive integer/],
    ['an unsafe integer', withData({ amountMinor: 2 ** 53 }), /positive integer/],
    ['a lower-case currency', withData({ currency: 'eur' }), /ISO 4217/],
    ['a four-letter currency', withData({ currency: 'EURO' }), /ISO 4217/],
    ['an empty order id', withData({ orderId: ' ' }), /orderId must not be empty/],
    ['an empty payment token', withData({ paymentToken: '' }), /paymentToken must not be empty/],
  ])('refuses %s', (_name, command, message) => {
    spec.given(histories.fresh).when(command).thenThrows(InvalidPaymentCommandError, message);
  });
});
