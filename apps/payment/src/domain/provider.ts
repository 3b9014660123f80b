/**
 * The payment provider PORT. The application calls it with the request `nextProviderCall(state)`
 * describes; the bundled adapter is the deterministic simulator in infrastructure/.
 *
 * Both calls must be idempotent per `idempotencyKey` at the provider: the same key returns the first
 * result and never moves money twice, so a call that timed out can simply be made again.
 *
 * @example
 *   const result = await provider.charge({ idempotencyKey: orderId, amountMinor: 1999, currency: 'EUR', token });
 *   // → { status: 'succeeded', providerPaymentId: 'pi_…' }
 */
export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}

export interface ChargeRequest {
  /** The order id: one charge per order, whatever the number of attempts. */
  idempotencyKey: string;
  /** Integer minor units of `currency` (cents for EUR). */
  amountMinor: number;
  /** ISO 4217 code, e.g. EUR. */
  currency: string;
  /** Opaque token of the customer's payment method. */
  token: string;
}

export type ChargeResult =
  | { status: 'succeeded'; providerPaymentId: string }
  | { status: 'declined'; code: string; reason: string }
  /** Accepted, outcome later by (signed) webhook. */
  | { status: 'pending'; providerPaymentId: string };

export interface RefundRequest {
  idempotencyKey: string;
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
}

export interface RefundResult {
  providerRefundId: string;
}

/**
 * A failed provider call. `retriable` says whether the same call may succeed later — the consumer
 * runtime retries with backoff if so and dead-letters otherwise (the kafkajs convention).
 */
export abstract class PaymentProviderError extends Error {
  abstract readonly retriable: boolean;
}

/**
 * No answer in time. The charge may or may not have happened: retry with the SAME idempotency key,
 * which returns the original outcome if it did.
 */
export class ProviderTimeoutError extends PaymentProviderError {
  override readonly name = 'ProviderTimeoutError';
  readonly retriable = true;
}

/** The provider refused the request itself (not a card decline): retrying the same call cannot help. */
export class ProviderRequestRejectedError extends PaymentProviderError {
  override readonly name = 'ProviderRequestRejectedError';
  readonly retriable = false;
}
