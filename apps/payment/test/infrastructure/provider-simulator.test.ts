import {
  evolvePayment,
  nextProviderCall,
  paymentDecider,
  ProviderRequestRejectedError,
  ProviderTimeoutError,
  type ChargeRequest,
  type PaymentCommand,
  type PaymentState,
} from '../../src/domain/index.js';
import {
  ProviderSimulator,
  SIMULATOR_TOKENS,
  type ProviderSimulatorOptions,
} from '../../src/infrastructure/provider-simulator.js';
import type { PendingConfirmation } from '../../src/infrastructure/simulator-ledger.js';
import { memoryLedgers, postgresLedgers, type LedgerFixture } from './ledgers.js';

const charge = (token: string, idempotencyKey = 'order-1'): ChargeRequest => ({
  idempotencyKey,
  amountMinor: 2599,
  currency: 'EUR',
  token,
});

// The same behaviour whatever keeps the records: Maps (pure unit tests) or Postgres (the service's).
describe.each([
  ['in memory', memoryLedgers],
  ['on Postgres', postgresLedgers],
] as const)(
  'ProviderSimulator, ledger %s',
  (_name, ledgers: () => LedgerFixture | Promise<LedgerFixture>) => {
    let fixture: LedgerFixture;
    const simulator = (options: Omit<ProviderSimulatorOptions, 'ledger'> = {}) =>
      new ProviderSimulator({ ledger: fixture.ledger(), ...options });

    beforeAll(async () => {
      fixture = await ledgers();
    });
    beforeEach(() => fixture.reset());
    afterAll(() => fixture.close());

    describe('the simulator', () => {
      describe('per token', () => {
        it('tok_ok succeeds', async () => {
          const sim = simulator();
          await expect(sim.charge(charge(SIMULATOR_TOKENS.ok))).resolves.toEqual({
            status: 'succeeded',
            providerPaymentId: 'sim_pay_order-1',
          });
          expect(await sim.chargesFor('order-1')).toBe(1);
        });

        it('tok_decline is declined as card_declined and takes no money', async () => {
          const sim = simulator();
          await expect(sim.charge(charge('tok_decline'))).resolves.toEqual({
            status: 'declined',
            code: 'card_declined',
            reason: 'The card was declined.',
          });
          expect(await sim.chargesFor('order-1')).toBe(0);
        });

        it('any other token is declined as invalid_token', async () => {
          const sim = simulator();
          await expect(sim.charge(charge('tok_unknown'))).resolves.toMatchObject({
            status: 'declined',
            code: 'invalid_token',
          });
        });

        it('tok_timeout times out the first N calls per key (retriable), then succeeds once', async () => {
          const sim = simulator({ timeoutsPerKey: 2 });
          for (let call = 1; call <= 2; call++) {
            const error: unknown = await sim.charge(charge('tok_timeout')).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(ProviderTimeoutError);
            expect(error).toMatchObject({ retriable: true });
            expect(String(error)).toContain(`call ${call}`);
            expect(await sim.chargesFor('order-1')).toBe(0);
          }
          await expect(sim.charge(charge('tok_timeout'))).resolves.toEqual({
            status: 'succeeded',
            providerPaymentId: 'sim_pay_order-1',
          });
          await expect(sim.charge(charge('tok_timeout'))).resolves.toMatchObject({ status: 'succeeded' });
          // Another order starts its own count.
          await expect(sim.charge(charge('tok_timeout', 'order-2'))).rejects.toBeInstanceOf(
            ProviderTimeoutError,
          );
          expect(await sim.chargesFor('order-1')).toBe(1);
          expect(await sim.callsFor('order-1')).toBe(4);
        });

        it('tok_timeout with the answer lost after the charge: the retry returns it, never charges twice', async () => {
          const sim = simulator({ timeoutsPerKey: 1, chargeBeforeTimeout: true });
          await expect(sim.charge(charge('tok_timeout'))).rejects.toBeInstanceOf(ProviderTimeoutError);
          expect(await sim.chargesFor('order-1')).toBe(1);
          await expect(sim.charge(charge('tok_timeout'))).resolves.toMatchObject({ status: 'succeeded' });
          expect(await sim.chargesFor('order-1')).toBe(1);
        });

        it('tok_timeout with zero timeouts succeeds at once', async () => {
          const sim = simulator({ timeoutsPerKey: 0 });
          await expect(sim.charge(charge('tok_timeout'))).resolves.toMatchObject({ status: 'succeeded' });
        });

        it.each([
          [SIMULATOR_TOKENS.async, 'succeeded'],
          [SIMULATOR_TOKENS.asyncFail, 'failed'],
        ] as const)('%s is pending; its confirmation (%s) waits for the webhook', async (token, outcome) => {
          const seen: PendingConfirmation[] = [];
          const sim = simulator({ onPendingConfirmation: (c) => seen.push(c) });
          await expect(sim.charge(charge(token))).resolves.toEqual({
            status: 'pending',
            providerPaymentId: 'sim_pay_order-1',
          });
          await sim.charge(charge(token)); // a repeat announces nothing new
          const confirmation = {
            providerPaymentId: 'sim_pay_order-1',
            idempotencyKey: 'order-1',
            amountMinor: 2599,
            currency: 'EUR',
            outcome,
          };
          expect(seen).toEqual([confirmation]);
          expect(await sim.chargesFor('order-1')).toBe(outcome === 'succeeded' ? 1 : 0);
          expect(await sim.pendingConfirmations()).toEqual([confirmation]);
          await sim.markConfirmationDelivered('sim_pay_order-1');
          expect(await sim.pendingConfirmations()).toEqual([]);
        });
      });

      describe('announcePending', () => {
        it('announces the confirmations still due again, oldest first, until delivered', async () => {
          const seen: PendingConfirmation[] = [];
          const sim = simulator({ onPendingConfirmation: (c) => seen.push(c) });
          await sim.charge(charge(SIMULATOR_TOKENS.async, 'order-1'));
          await sim.charge(charge(SIMULATOR_TOKENS.asyncFail, 'order-2'));
          await sim.charge(charge(SIMULATOR_TOKENS.ok, 'order-3'));
          expect(seen.map((c) => c.idempotencyKey)).toEqual(['order-1', 'order-2']);
          await sim.markConfirmationDelivered('sim_pay_order-1');
          await expect(sim.announcePending()).resolves.toBe(1);
          expect(seen.map((c) => c.idempotencyKey)).toEqual(['order-1', 'order-2', 'order-2']);
          expect(seen[2]).toEqual({
            providerPaymentId: 'sim_pay_order-2',
            idempotencyKey: 'order-2',
            amountMinor: 2599,
            currency: 'EUR',
            outcome: 'failed',
          });
        });

        it('announces nothing without onPendingConfirmation', async () => {
          const sim = simulator();
          await sim.charge(charge(SIMULATOR_TOKENS.async));
          await expect(sim.announcePending()).resolves.toBe(0);
          expect(await sim.pendingConfirmations()).toHaveLength(1);
        });

        it('marking an unknown or synchronous payment delivered changes nothing', async () => {
          const sim = simulator();
          await sim.charge(charge(SIMULATOR_TOKENS.ok, 'order-2'));
          await sim.charge(charge(SIMULATOR_TOKENS.async));
          await sim.markConfirmationDelivered('sim_pay_nope');
          await sim.markConfirmationDelivered('sim_pay_order-2');
          expect(await sim.pendingConfirmations()).toHaveLength(1);
        });
      });

      describe('idempotency', () => {
        it('the same key returns the same result and charges once', async () => {
          const sim = simulator();
          const first = await sim.charge(charge('tok_ok'));
          const again = await sim.charge(charge('tok_ok'));
          expect(again).toEqual(first);
          expect(await sim.chargesFor('order-1')).toBe(1);
          expect(await sim.callsFor('order-1')).toBe(2);
        });

        it('a decline is repeated, not retried with the card', async () => {
          const sim = simulator();
          await sim.charge(charge('tok_decline'));
          await expect(sim.charge(charge('tok_decline'))).resolves.toMatchObject({ code: 'card_declined' });
        });

        it('refuses the same key with other parameters (not retriable)', async () => {
          const sim = simulator();
          await sim.charge(charge('tok_ok'));
          const other = sim.charge({ ...charge('tok_ok'), amountMinor: 1 });
          await expect(other).rejects.toBeInstanceOf(ProviderRequestRejectedError);
          await expect(sim.charge({ ...charge('tok_ok'), token: 'tok_decline' })).rejects.toMatchObject({
            retriable: false,
          });
          expect(await sim.chargesFor('order-1')).toBe(1);
        });

        it.each([
          ['a zero amount', { amountMinor: 0 }],
          ['a fractional amount', { amountMinor: 1.5 }],
          ['a bad currency', { currency: 'euro' }],
        ])('refuses %s', async (_name, override) => {
          const sim = simulator();
          await expect(sim.charge({ ...charge('tok_ok'), ...override })).rejects.toBeInstanceOf(
            ProviderRequestRejectedError,
          );
        });
      });

      describe('refund', () => {
        const refund = {
          idempotencyKey: 'order-1:refund',
          providerPaymentId: 'sim_pay_order-1',
          amountMinor: 2599,
          currency: 'EUR',
        };

        it('refunds a charge once per key', async () => {
          const sim = simulator();
          await sim.charge(charge('tok_ok'));
          await expect(sim.refund(refund)).resolves.toEqual({ providerRefundId: 'sim_ref_order-1:refund' });
          await expect(sim.refund(refund)).resolves.toEqual({ providerRefundId: 'sim_ref_order-1:refund' });
          expect(await sim.refundsFor('sim_pay_order-1')).toBe(1);
        });

        it('refunds a confirmed asynchronous payment', async () => {
          const sim = simulator();
          await sim.charge(charge('tok_async'));
          await expect(sim.refund(refund)).resolves.toEqual({ providerRefundId: 'sim_ref_order-1:refund' });
        });

        it.each([
          ['an unknown payment', 'tok_ok', { providerPaymentId: 'sim_pay_nope' }, /no successful payment/],
          ['a failed asynchronous payment', 'tok_async_fail', {}, /no successful payment/],
          ['more than was charged', 'tok_ok', { amountMinor: 2600 }, /exceeds/],
          ['another currency', 'tok_ok', { currency: 'USD' }, /exceeds/],
          ['a second refund under another key', 'tok_ok', { idempotencyKey: 'other' }, /already refunded/],
        ])('refuses %s', async (_name, token, override, message) => {
          const sim = simulator();
          await sim.charge(charge(token));
          if ('idempotencyKey' in override) await sim.refund(refund);
          const refused = sim.refund({ ...refund, ...override });
          await expect(refused).rejects.toThrow(message);
          await expect(refused).rejects.toMatchObject({ retriable: false });
        });

        it('refuses the same refund key with other parameters', async () => {
          const sim = simulator();
          await sim.charge(charge('tok_ok'));
          await sim.refund(refund);
          await expect(sim.refund({ ...refund, amountMinor: 1 })).rejects.toThrow(/different refund/);
        });
      });
    });

    describe('decider and simulator together', () => {
      /** What the application layer will do: decide, then make the call the state is waiting for, retrying. */
      async function settle(token: string, cancelInFlight = false) {
        const sim = simulator({ timeoutsPerKey: 2, chargeBeforeTimeout: true });
        let state: PaymentState = paymentDecider.initialState();
        const apply = (type: PaymentCommand['type'], data: unknown) => {
          const command = { type, data, metadata: { now: 1 } } as PaymentCommand;
          state = paymentDecider.decide(command, state).reduce(evolvePayment, state);
        };
        apply('RegisterOrder', { orderId: 'o-1', amountMinor: 500, currency: 'EUR', paymentToken: token });
        apply('RequestCharge', { orderId: 'o-1', attemptId: 'a-1' });
        if (cancelInFlight) apply('OrderCancelled', { reason: 'TIMEOUT' });
        for (let call = nextProviderCall(state); call; call = nextProviderCall(state)) {
          try {
            if (call.kind === 'charge')
              apply('RecordProviderResult', { result: await sim.charge(call.request) });
            else apply('RecordRefund', await sim.refund(call.request));
          } catch (error) {
            if (!(error instanceof ProviderTimeoutError)) throw error;
          }
        }
        for (const confirmation of await sim.pendingConfirmations()) {
          apply('ConfirmFromWebhook', {
            providerPaymentId: confirmation.providerPaymentId,
            outcome: confirmation.outcome,
          });
          await sim.markConfirmationDelivered(confirmation.providerPaymentId);
        }
        for (let call = nextProviderCall(state); call?.kind === 'refund'; call = nextProviderCall(state)) {
          apply('RecordRefund', await sim.refund(call.request));
        }
        return {
          status: state.charge.status,
          charges: await sim.chargesFor('o-1'),
          calls: await sim.callsFor('o-1'),
        };
      }

      it.each([
        ['tok_ok', false, { status: 'charged', charges: 1, calls: 1 }],
        ['tok_decline', false, { status: 'declined', charges: 0, calls: 1 }],
        ['tok_timeout', false, { status: 'charged', charges: 1, calls: 3 }],
        ['tok_async', false, { status: 'charged', charges: 1, calls: 1 }],
        ['tok_async_fail', false, { status: 'declined', charges: 0, calls: 1 }],
        ['tok_timeout', true, { status: 'refunded', charges: 1, calls: 3 }],
        ['tok_async', true, { status: 'refunded', charges: 1, calls: 1 }],
      ] as const)('%s (cancelled in flight: %s) ends %j', async (token, cancelInFlight, expected) => {
        await expect(settle(token, cancelInFlight)).resolves.toEqual(expected);
      });
    });
  },
);
