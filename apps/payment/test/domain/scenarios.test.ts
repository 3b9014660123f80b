import {
  evolvePayment,
  paymentDecider,
  type ChargeResult,
  type PaymentCommand,
  type PaymentEvent,
} from '../../src/domain/index.js';
import { cmd } from './fixtures.js';

/** Runs commands one after the other, as the application would, and returns the stream's events. */
function run(commands: PaymentCommand[]): PaymentEvent[] {
  let state = paymentDecider.initialState();
  const stream: PaymentEvent[] = [];
  for (const command of commands) {
    const events = paymentDecider.decide(command, state);
    state = events.reduce(evolvePayment, state);
    stream.push(...events);
  }
  return stream;
}

const types = (events: PaymentEvent[]) => events.map((e) => e.type);
const result = (r: ChargeResult): PaymentCommand => ({
  type: 'RecordProviderResult',
  data: { result: r },
  metadata: { now: 1 },
});

describe('payment scenarios', () => {
  it('happy path: placed, reserved, charged', () => {
    expect(types(run([cmd.register(), cmd.requestCharge(), cmd.succeeded()]))).toEqual([
      'PaymentRegistered',
      'ChargeRequested',
      'PaymentCharged',
    ]);
  });

  it('every fact redelivered gives the same stream as once', () => {
    const once = run([
      cmd.register(),
      cmd.requestCharge(),
      cmd.succeeded(),
      cmd.cancel(),
      cmd.recordRefund(),
    ]);
    const twice = run([
      cmd.register(),
      cmd.register(),
      cmd.requestCharge(),
      cmd.requestCharge('attempt-2'),
      cmd.succeeded(),
      cmd.succeeded(),
      cmd.cancel(),
      cmd.cancel(),
      cmd.recordRefund(),
      cmd.recordRefund(),
    ]);
    expect(twice).toEqual(once);
    expect(types(once)).toEqual([
      'PaymentRegistered',
      'ChargeRequested',
      'PaymentCharged',
      'RefundRequested',
      'PaymentRefunded',
    ]);
  });

  it('StockReserved before OrderPlaced still charges exactly once', () => {
    expect(
      types(run([cmd.requestCharge(), cmd.register(), cmd.requestCharge('attempt-2'), cmd.succeeded()])),
    ).toEqual(['ChargeDeferred', 'PaymentRegistered', 'ChargeRequested', 'PaymentCharged']);
  });

  it('cancelled before the stock was reserved: nothing is ever charged', () => {
    expect(types(run([cmd.register(), cmd.cancel(), cmd.requestCharge()]))).toEqual([
      'PaymentRegistered',
      'ChargeCancelled',
    ]);
    expect(types(run([cmd.cancel(), cmd.requestCharge(), cmd.register()]))).toEqual([
      'ChargeCancelled',
      'PaymentRegistered',
    ]);
  });

  it('timeout: the order is cancelled while the charge is in flight, the late success is refunded', () => {
    expect(
      types(run([cmd.register(), cmd.requestCharge(), cmd.cancel(), cmd.succeeded(), cmd.recordRefund()])),
    ).toEqual([
      'PaymentRegistered',
      'ChargeRequested',
      'ChargeCancelled',
      'PaymentCharged',
      'RefundRequested',
      'PaymentRefunded',
    ]);
  });

  it('asynchronous payment confirmed by webhook, then a redelivered webhook', () => {
    expect(
      types(
        run([
          cmd.register(),
          cmd.requestCharge(),
          cmd.pending(),
          cmd.webhook('succeeded'),
          cmd.webhook('succeeded'),
        ]),
      ),
    ).toEqual(['PaymentRegistered', 'ChargeRequested', 'PaymentPending', 'PaymentCharged']);
  });

  it('a declined card is declined once, and the cancellation that follows changes nothing', () => {
    const stream = run([
      cmd.register(),
      cmd.requestCharge(),
      result({ status: 'declined', code: 'card_declined', reason: 'The card was declined.' }),
      cmd.cancel(),
    ]);
    expect(types(stream)).toEqual(['PaymentRegistered', 'ChargeRequested', 'PaymentDeclined']);
  });
});
