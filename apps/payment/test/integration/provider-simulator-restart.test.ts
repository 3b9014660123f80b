import { randomUUID } from 'node:crypto';
import {
  ProviderRequestRejectedError,
  ProviderTimeoutError,
  type ChargeRequest,
  type RefundRequest,
} from '../../src/domain/index.js';
import {
  ProviderSimulator,
  SIMULATOR_TOKENS,
  type ProviderSimulatorOptions,
} from '../../src/infrastructure/provider-simulator.js';
import type { PendingConfirmation } from '../../src/infrastructure/simulator-ledger.js';
import { postgresLedgers, type PostgresLedgerFixture } from '../infrastructure/ledgers.js';

// The simulator's records on the real Postgres behave like a remote provider's: an instance made
// after a restart (a new process: a new pool) knows what the one before did, and instances running
// side by side move money once per key whoever races.

jest.setTimeout(30_000);

let fixture: PostgresLedgerFixture;

beforeAll(async () => {
  fixture = await postgresLedgers();
});

afterAll(() => fixture.close());

/** One payment service process's simulator: a pool of its own on the shared database. */
const instance = (options: Omit<ProviderSimulatorOptions, 'ledger'> = {}) =>
  new ProviderSimulator({ ledger: fixture.ledgerOnNewPool(), ...options });

const charge = (token: string, idempotencyKey = `o-${randomUUID()}`): ChargeRequest => ({
  idempotencyKey,
  amountMinor: 2599,
  currency: 'EUR',
  token,
});

const refundOf = (
  request: ChargeRequest,
  idempotencyKey = `${request.idempotencyKey}:refund`,
): RefundRequest => ({
  idempotencyKey,
  providerPaymentId: `sim_pay_${request.idempotencyKey}`,
  amountMinor: request.amountMinor,
  currency: request.currency,
});

describe('across a restart', () => {
  it('refunds a charge made before it; the charge repeated answers the same and charges once', async () => {
    const request = charge(SIMULATOR_TOKENS.ok);
    const before = instance();
    const first = await before.charge(request);
    expect(first).toEqual({ status: 'succeeded', providerPaymentId: `sim_pay_${request.idempotencyKey}` });

    const after = instance();
    await expect(after.refund(refundOf(request))).resolves.toEqual({
      providerRefundId: `sim_ref_${request.idempotencyKey}:refund`,
    });
    await expect(after.charge(request)).resolves.toEqual(first);
    expect(await after.chargesFor(request.idempotencyKey)).toBe(1);
    expect(await after.callsFor(request.idempotencyKey)).toBe(2);
    expect(await after.refundsFor(`sim_pay_${request.idempotencyKey}`)).toBe(1);
    // Its rules hold across the restart too: other parameters under the key, a second refund.
    await expect(after.charge({ ...request, amountMinor: 1 })).rejects.toBeInstanceOf(
      ProviderRequestRejectedError,
    );
    await expect(after.refund(refundOf(request, 'another-key'))).rejects.toThrow(/already refunded/);
    await expect(before.refund(refundOf(request))).resolves.toEqual({
      providerRefundId: `sim_ref_${request.idempotencyKey}:refund`,
    });
  });

  it('a decline stays a decline, and a failed asynchronous payment stays unrefundable', async () => {
    const declined = charge(SIMULATOR_TOKENS.decline);
    const failed = charge(SIMULATOR_TOKENS.asyncFail);
    const before = instance();
    await before.charge(declined);
    await before.charge(failed);
    const after = instance();
    await expect(after.charge(declined)).resolves.toMatchObject({
      status: 'declined',
      code: 'card_declined',
    });
    await expect(after.refund(refundOf(failed))).rejects.toThrow(/no successful payment/);
    expect(await after.callsFor(declined.idempotencyKey)).toBe(2);
    expect(await after.chargesFor(declined.idempotencyKey)).toBe(0);
    expect(await after.chargesFor(failed.idempotencyKey)).toBe(0);
  });

  it('tok_timeout counts the calls of every instance', async () => {
    const request = charge(SIMULATOR_TOKENS.timeout);
    const [a, b] = [instance({ timeoutsPerKey: 2 }), instance({ timeoutsPerKey: 2 })];
    await expect(a.charge(request)).rejects.toBeInstanceOf(ProviderTimeoutError);
    await expect(b.charge(request)).rejects.toThrow(/call 2/);
    await expect(a.charge(request)).resolves.toMatchObject({ status: 'succeeded' });
    expect(await b.callsFor(request.idempotencyKey)).toBe(3);
    expect(await b.chargesFor(request.idempotencyKey)).toBe(1);
  });

  it('announces a confirmation made before it and not delivered; once delivered, no more', async () => {
    const request = charge(SIMULATOR_TOKENS.async);
    const heardBefore: PendingConfirmation[] = [];
    await instance({ onPendingConfirmation: (c) => heardBefore.push(c) }).charge(request);
    expect(heardBefore).toHaveLength(1);

    const heardAfter: PendingConfirmation[] = [];
    const after = instance({ onPendingConfirmation: (c) => heardAfter.push(c) });
    const announced = await after.announcePending();
    expect(announced).toBeGreaterThanOrEqual(1);
    expect(heardAfter).toContainEqual({
      providerPaymentId: `sim_pay_${request.idempotencyKey}`,
      idempotencyKey: request.idempotencyKey,
      amountMinor: 2599,
      currency: 'EUR',
      outcome: 'succeeded',
    });
    await after.markConfirmationDelivered(`sim_pay_${request.idempotencyKey}`);

    const heardLater: PendingConfirmation[] = [];
    await instance({ onPendingConfirmation: (c) => heardLater.push(c) }).announcePending();
    expect(heardLater.map((c) => c.idempotencyKey)).not.toContain(request.idempotencyKey);
    // The confirmed payment is still refundable after yet another restart.
    await expect(instance().refund(refundOf(request))).resolves.toMatchObject({
      providerRefundId: `sim_ref_${request.idempotencyKey}:refund`,
    });
  });
});

describe('two instances at once', () => {
  it('charging the same keys concurrently moves money once per key and announces once', async () => {
    const heard: PendingConfirmation[] = [];
    const onPendingConfirmation = (c: PendingConfirmation) => heard.push(c);
    const [a, b] = [instance({ onPendingConfirmation }), instance({ onPendingConfirmation })];
    const requests = Array.from({ length: 20 }, (_, i) =>
      charge(i % 2 === 0 ? SIMULATOR_TOKENS.ok : SIMULATOR_TOKENS.async),
    );
    const answers = await Promise.all(requests.map((r) => Promise.all([a.charge(r), b.charge({ ...r })])));
    for (const [i, [fromA, fromB]] of answers.entries()) {
      const request = requests[i];
      if (!request) throw new Error('unreachable');
      expect(fromB).toEqual(fromA);
      expect(fromA).toMatchObject({ providerPaymentId: `sim_pay_${request.idempotencyKey}` });
      expect(await a.chargesFor(request.idempotencyKey)).toBe(1);
      expect(await b.callsFor(request.idempotencyKey)).toBe(2);
    }
    const asyncKeys = requests.filter((r) => r.token === SIMULATOR_TOKENS.async).map((r) => r.idempotencyKey);
    expect(heard.map((c) => c.idempotencyKey).sort()).toEqual([...asyncKeys].sort());
    const pending = (await a.pendingConfirmations()).map((c) => c.idempotencyKey);
    expect(pending.filter((key) => asyncKeys.includes(key)).sort()).toEqual([...asyncKeys].sort());
  });

  it('the same key with other parameters at once: one charge, the other refused', async () => {
    const request = charge(SIMULATOR_TOKENS.ok);
    const [a, b] = [instance(), instance()];
    const settled = await Promise.allSettled([a.charge(request), b.charge({ ...request, amountMinor: 1 })]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const refused = settled.find((s) => s.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(ProviderRequestRejectedError);
    expect(await a.chargesFor(request.idempotencyKey)).toBe(1);
  });

  it('refunds racing for one payment: under one key both get the refund, under two keys one does', async () => {
    const request = charge(SIMULATOR_TOKENS.ok);
    const [a, b] = [instance(), instance()];
    await a.charge(request);
    const [fromA, fromB] = await Promise.all([a.refund(refundOf(request)), b.refund(refundOf(request))]);
    expect(fromB).toEqual(fromA);
    expect(await a.refundsFor(`sim_pay_${request.idempotencyKey}`)).toBe(1);

    const other = charge(SIMULATOR_TOKENS.ok);
    await b.charge(other);
    const settled = await Promise.allSettled([
      a.refund(refundOf(other, `${other.idempotencyKey}:refund-a`)),
      b.refund(refundOf(other, `${other.idempotencyKey}:refund-b`)),
    ]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const refused = settled.find((s) => s.status === 'rejected');
    expect(String(refused?.reason)).toMatch(/already refunded/);
    expect(await b.refundsFor(`sim_pay_${other.idempotencyKey}`)).toBe(1);
  });
});
