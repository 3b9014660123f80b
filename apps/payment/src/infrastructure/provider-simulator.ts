import {
  ProviderRequestRejectedError,
  ProviderTimeoutError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  type RefundRequest,
  type RefundResult,
} from '../domain/provider.js';

/**
 * A deterministic, in-memory payment provider, so every branch of the saga can be driven by the card
 * token alone. Like a real provider it is idempotent per `idempotencyKey`: the same key returns the
 * first result and never charges twice; the same key with other parameters is refused.
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
 * Ids derive from the idempotency key (`sim_pay_<key>`, `sim_ref_<key>`), so a restarted simulator
 * answers a repeated call with the same ids.
 *
 * @example
 *   const provider = new ProviderSimulator({ onPendingConfirmation: (c) => webhooks.send(c) });
 *   await provider.charge({ idempotencyKey: 'o-1', amountMinor: 1999, currency: 'EUR', token: 'tok_async' });
 */
export class ProviderSimulator implements PaymentProvider {
  private readonly charges = new Map<string, StoredCharge>();
  private readonly refunds = new Map<string, StoredRefund>();
  private readonly calls = new Map<string, number>();
  private readonly moneyMoved = new Map<string, number>();
  private readonly confirmations = new Map<string, PendingConfirmation>();
  private readonly delivered = new Set<string>();
  private readonly timeoutsPerKey: number;
  private readonly chargeBeforeTimeout: boolean;
  private readonly onPendingConfirmation: ((confirmation: PendingConfirmation) => void) | undefined;

  constructor(options: ProviderSimulatorOptions = {}) {
    this.timeoutsPerKey = options.timeoutsPerKey ?? 2;
    this.chargeBeforeTimeout = options.chargeBeforeTimeout ?? false;
    this.onPendingConfirmation = options.onPendingConfirmation;
  }

  // A throw inside the executor becomes the rejection, as a remote call's failure would.
  charge(request: ChargeRequest): Promise<ChargeResult> {
    return new Promise((resolve) => {
      resolve(this.chargeNow(request));
    });
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    return new Promise((resolve) => {
      resolve(this.refundNow(request));
    });
  }

  private chargeNow(request: ChargeRequest): ChargeResult {
    const key = request.idempotencyKey;
    const call = (this.calls.get(key) ?? 0) + 1;
    this.calls.set(key, call);
    validateMoney(request.amountMinor, request.currency);
    const existing = this.charges.get(key);
    if (existing && !sameCharge(existing.request, request)) {
      throw new ProviderRequestRejectedError(`idempotency key ${key} was used for a different charge`);
    }
    if (request.token === SIMULATOR_TOKENS.timeout && call <= this.timeoutsPerKey) {
      // The request got lost (default) or the charge happened and the answer got lost.
      if (this.chargeBeforeTimeout && !existing) this.createCharge(request);
      throw new ProviderTimeoutError(`provider did not answer in time (call ${call} for key ${key})`);
    }
    return (existing ?? this.createCharge(request)).result;
  }

  private refundNow(request: RefundRequest): RefundResult {
    validateMoney(request.amountMinor, request.currency);
    const existing = this.refunds.get(request.idempotencyKey);
    if (existing) {
      if (!sameRefund(existing.request, request)) {
        throw new ProviderRequestRejectedError(
          `idempotency key ${request.idempotencyKey} was used for a different refund`,
        );
      }
      return existing.result;
    }
    const charge = [...this.charges.values()].find(
      (c) => 'providerPaymentId' in c.result && c.result.providerPaymentId === request.providerPaymentId,
    );
    if (!charge || this.confirmations.get(request.providerPaymentId)?.outcome === 'failed') {
      throw new ProviderRequestRejectedError(`no successful payment ${request.providerPaymentId} to refund`);
    }
    if (request.currency !== charge.request.currency || request.amountMinor > charge.request.amountMinor) {
      throw new ProviderRequestRejectedError(`refund exceeds payment ${request.providerPaymentId}`);
    }
    if ([...this.refunds.values()].some((r) => r.request.providerPaymentId === request.providerPaymentId)) {
      throw new ProviderRequestRejectedError(`payment ${request.providerPaymentId} is already refunded`);
    }
    const stored = {
      request: { ...request },
      result: { providerRefundId: `sim_ref_${request.idempotencyKey}` },
    };
    this.refunds.set(request.idempotencyKey, stored);
    return stored.result;
  }

  /**
   * How many times money was taken under this key — 0 or 1 whatever the number of calls. An
   * asynchronous payment counts when made if its (predetermined) outcome is success.
   */
  chargesFor(idempotencyKey: string): number {
    return this.moneyMoved.get(idempotencyKey) ?? 0;
  }

  /** How many times `charge` was called with this key (timeouts and repeats included). */
  callsFor(idempotencyKey: string): number {
    return this.calls.get(idempotencyKey) ?? 0;
  }

  /** How many refunds were made of this provider payment (0 or 1). */
  refundsFor(providerPaymentId: string): number {
    return [...this.refunds.values()].filter((r) => r.request.providerPaymentId === providerPaymentId).length;
  }

  /** Asynchronous payments whose webhook is still due, oldest first. */
  pendingConfirmations(): PendingConfirmation[] {
    return [...this.confirmations.values()]
      .filter((c) => !this.delivered.has(c.providerPaymentId))
      .map((c) => ({ ...c }));
  }

  /** The webhook of this payment was delivered; it leaves `pendingConfirmations()`. */
  markConfirmationDelivered(providerPaymentId: string): void {
    if (this.confirmations.has(providerPaymentId)) this.delivered.add(providerPaymentId);
  }

  private createCharge(request: ChargeRequest): StoredCharge {
    const providerPaymentId = `sim_pay_${request.idempotencyKey}`;
    const result = chargeOutcome(request.token, providerPaymentId);
    const stored = { request: { ...request }, result };
    this.charges.set(request.idempotencyKey, stored);
    // An asynchronous outcome is fixed when the charge is made; only its announcement waits.
    const outcome = request.token === SIMULATOR_TOKENS.asyncFail ? 'failed' : 'succeeded';
    if (result.status === 'succeeded' || (result.status === 'pending' && outcome === 'succeeded')) {
      this.moneyMoved.set(request.idempotencyKey, this.chargesFor(request.idempotencyKey) + 1);
    }
    if (result.status === 'pending') {
      const confirmation: PendingConfirmation = {
        providerPaymentId,
        idempotencyKey: request.idempotencyKey,
        amountMinor: request.amountMinor,
        currency: request.currency,
        outcome,
      };
      this.confirmations.set(providerPaymentId, confirmation);
      this.onPendingConfirmation?.({ ...confirmation });
    }
    return stored;
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
  /** tok_timeout: calls per idempotency key that time out before one succeeds (default 2). */
  timeoutsPerKey?: number;
  /**
   * tok_timeout: whether the first timed-out call already charged (the answer was lost, not the
   * request) — the case idempotency keys exist for. Default false.
   */
  chargeBeforeTimeout?: boolean;
  /** Called once per asynchronous charge: the application sends the signed webhook from here. */
  onPendingConfirmation?: (confirmation: PendingConfirmation) => void;
}

/** What the provider's webhook will say about an asynchronous payment. */
export interface PendingConfirmation {
  providerPaymentId: string;
  /** The charge's idempotency key: the order id, so the webhook finds its payment stream. */
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  outcome: 'succeeded' | 'failed';
}

interface StoredCharge {
  request: ChargeRequest;
  result: ChargeResult;
}

interface StoredRefund {
  request: RefundRequest;
  result: RefundResult;
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
