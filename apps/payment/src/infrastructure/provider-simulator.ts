import {
  ProviderRequestRejectedError,
  ProviderTimeoutError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  type RefundRequest,
  type RefundResult,
} from '../domain/provider.js';
import type { LedgerCharge, LedgerRefund, PendingConfirmation, SimulatorLedger } from './simulator-ledger.js';

/**
 * A deterministic payment provider, so every branch of the saga can be driven by the card token
 * alone. Like a real provider it is idempotent per `idempotencyKey`: the same key returns the first
 * result and never charges twice; the same key with other parameters is refused.
 *
 * | token            | charge                                                                      |
 * |------------------|-----------------------------------------------------------------------------|
 * | tok_ok           | succeeded                                                                   |
 * | tok_decline      | declined, code card_declined                                                |
 * | tok_timeout      | throws ProviderTimeoutError for the first `timeoutsPerKey` calls per key, then succeeds |
 * | tok_async        | pending; a confirmation (outcome succeeded) waits for the webhook           |
 * | tok_async_fail   | pending; a confirmation (outcome failed) waits for the webhook              |
 * | anything else    | declined, code invalid_token                                                |
 *
 * Its records (charges, refunds, calls, confirmations) live in a `SimulatorLedger`: in the service,
 * the Postgres one, so they outlive a restart of the service and are shared by all its instances,
 * as a remote provider's are. Ids derive from the idempotency key (`sim_pay_<key>`, `sim_ref_<key>`).
 *
 * @example
 *   const provider = new ProviderSimulator({ ledger, onPendingConfirmation: (c) => webhooks.send(c) });
 *   await provider.charge({ idempotencyKey: 'o-1', amountMinor: 1999, currency: 'EUR', token: 'tok_async' });
 *   await provider.announcePending(); // at start-up: the confirmations a restart left undelivered
 */
export class ProviderSimulator implements PaymentProvider {
  private readonly ledger: SimulatorLedger;
  private readonly timeoutsPerKey: number;
  private readonly chargeBeforeTimeout: boolean;
  private readonly onPendingConfirmation: ((confirmation: PendingConfirmation) => void) | undefined;

  constructor(options: ProviderSimulatorOptions) {
    this.ledger = options.ledger;
    this.timeoutsPerKey = options.timeoutsPerKey ?? 2;
    this.chargeBeforeTimeout = options.chargeBeforeTimeout ?? false;
    this.onPendingConfirmation = options.onPendingConfirmation;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const key = request.idempotencyKey;
    const call = await this.ledger.countCall(key);
    validateMoney(request.amountMinor, request.currency);
    const existing = await this.ledger.findCharge(key);
    if (existing && !sameCharge(existing.request, request)) throw differentCharge(key);
    if (request.token === SIMULATOR_TOKENS.timeout && call <= this.timeoutsPerKey) {
      // The request got lost (default) or the charge happened and the answer got lost.
      if (this.chargeBeforeTimeout && !existing) await this.createCharge(request);
      throw new ProviderTimeoutError(`provider did not answer in time (call ${call} for key ${key})`);
    }
    return (existing ?? (await this.createCharge(request))).result;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    validateMoney(request.amountMinor, request.currency);
    const existing = await this.ledger.findRefund(request.idempotencyKey);
    if (existing) return sameRefundOrRefuse(existing, request);
    const charge = await this.ledger.findPayment(request.providerPaymentId);
    if (!charge || charge.asyncOutcome === 'failed') {
      throw new ProviderRequestRejectedError(`no successful payment ${request.providerPaymentId} to refund`);
    }
    if (request.currency !== charge.request.currency || request.amountMinor > charge.request.amountMinor) {
      throw new ProviderRequestRejectedError(`refund exceeds payment ${request.providerPaymentId}`);
    }
    // The ledger keeps one refund per key and per payment, whoever races for either.
    const kept = await this.ledger.addRefund({
      request: { ...request },
      result: { providerRefundId: `sim_ref_${request.idempotencyKey}` },
    });
    if (!kept) {
      throw new ProviderRequestRejectedError(`payment ${request.providerPaymentId} is already refunded`);
    }
    return sameRefundOrRefuse(kept, request);
  }

  /**
   * How many times money was taken under this key — 0 or 1 whatever the number of calls. An
   * asynchronous payment counts when made if its (predetermined) outcome is success.
   */
  async chargesFor(idempotencyKey: string): Promise<number> {
    return (await this.ledger.findCharge(idempotencyKey))?.moneyMoved ? 1 : 0;
  }

  /** How many times `charge` was called with this key (timeouts and repeats included). */
  callsFor(idempotencyKey: string): Promise<number> {
    return this.ledger.callsFor(idempotencyKey);
  }

  /** How many refunds were made of this provider payment (0 or 1). */
  refundsFor(providerPaymentId: string): Promise<number> {
    return this.ledger.refundsFor(providerPaymentId);
  }

  /** Asynchronous payments whose webhook is still due, oldest first. */
  pendingConfirmations(): Promise<PendingConfirmation[]> {
    return this.ledger.pendingConfirmations();
  }

  /** The webhook of this payment was delivered; it leaves `pendingConfirmations()`. */
  markConfirmationDelivered(providerPaymentId: string): Promise<void> {
    return this.ledger.markConfirmationDelivered(providerPaymentId);
  }

  /**
   * Announce every confirmation still due to `onPendingConfirmation` again — at start-up, since
   * whoever announced them before (a process since restarted) may not have delivered them. With
   * several instances each announces them: the webhook's id makes a second delivery a duplicate.
   * Returns how many were announced.
   */
  async announcePending(): Promise<number> {
    const announce = this.onPendingConfirmation;
    if (!announce) return 0;
    const pending = await this.ledger.pendingConfirmations();
    for (const confirmation of pending) announce(confirmation);
    return pending.length;
  }

  private async createCharge(request: ChargeRequest): Promise<LedgerCharge> {
    const providerPaymentId = `sim_pay_${request.idempotencyKey}`;
    const result = chargeOutcome(request.token, providerPaymentId);
    // An asynchronous outcome is fixed when the charge is made; only its announcement waits.
    const outcome = request.token === SIMULATOR_TOKENS.asyncFail ? 'failed' : 'succeeded';
    const { charge, created } = await this.ledger.addCharge({
      request: { ...request },
      result,
      moneyMoved: result.status === 'succeeded' || (result.status === 'pending' && outcome === 'succeeded'),
      ...(result.status === 'pending' ? { asyncOutcome: outcome } : {}),
    });
    // Lost a race for the key: the winner's charge is the answer, if it was this very charge.
    if (!created) {
      if (!sameCharge(charge.request, request)) throw differentCharge(request.idempotencyKey);
      return charge;
    }
    if (result.status === 'pending') {
      this.onPendingConfirmation?.({
        providerPaymentId,
        idempotencyKey: request.idempotencyKey,
        amountMinor: request.amountMinor,
        currency: request.currency,
        outcome,
      });
    }
    return charge;
  }
}

export const SIMULATOR_TOKENS = {
  ok: 'tok_ok',
  decline: 'tok_decline',
  timeout: 'tok_timeout',
  async: 'tok_async',
  asyncFail: 'tok_async_fail',
} as const;

export interface ProviderSimulatorOptions {
  /** Where the simulator keeps its records (in the service: `PostgresSimulatorLedger`). */
  ledger: SimulatorLedger;
  /** tok_timeout: calls per idempotency key that time out before one succeeds (default 2). */
  timeoutsPerKey?: number;
  /**
   * tok_timeout: whether the first timed-out call already charged (the answer was lost, not the
   * request) — the case idempotency keys exist for. Default false.
   */
  chargeBeforeTimeout?: boolean;
  /**
   * Called once per asynchronous charge, when it is made, and by `announcePending()`: the
   * application sends the signed webhook from here.
   */
  onPendingConfirmation?: (confirmation: PendingConfirmation) => void;
}

function chargeOutcome(token: string, providerPaymentId: string): ChargeResult {
  switch (token) {
    case SIMULATOR_TOKENS.ok:
    case SIMULATOR_TOKENS.timeout:
      return { status: 'succeeded', providerPaymentId };
    case SIMULATOR_TOKENS.async:
    case SIMULATOR_TOKENS.asyncFail:
      return { status: 'pending', providerPaymentId };
    case SIMULATOR_TOKENS.decline:
      return { status: 'declined', code: 'card_declined', reason: 'The card was declined.' };
    default:
      return { status: 'declined', code: 'invalid_token', reason: 'The payment method is not valid.' };
  }
}

function validateMoney(amountMinor: number, currency: string): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || !/^[A-Z]{3}$/.test(currency)) {
    throw new ProviderRequestRejectedError(`invalid amount ${amountMinor} ${currency}`);
  }
}

const sameCharge = (a: ChargeRequest, b: ChargeRequest): boolean =>
  a.amountMinor === b.amountMinor && a.currency === b.currency && a.token === b.token;

const sameRefund = (a: RefundRequest, b: RefundRequest): boolean =>
  a.providerPaymentId === b.providerPaymentId && a.amountMinor === b.amountMinor && a.currency === b.currency;

const differentCharge = (key: string): ProviderRequestRejectedError =>
  new ProviderRequestRejectedError(`idempotency key ${key} was used for a different charge`);

function sameRefundOrRefuse(existing: LedgerRefund, request: RefundRequest): RefundResult {
  if (!sameRefund(existing.request, request)) {
    throw new ProviderRequestRejectedError(
      `idempotency key ${request.idempotencyKey} was used for a different refund`,
    );
  }
  return existing.result;
}
