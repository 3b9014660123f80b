/**
 * Domain errors: the input can never be right, so retrying it cannot help (`retriable = false`, which
 * the consumer runtime reads to dead-letter instead of retrying). Late and repeated facts are not
 * errors: the decider answers them with no events.
 */
export abstract class PaymentDomainError extends Error {
  readonly retriable = false;
}

/** A command's data is malformed (amount, currency, ids). */
export class InvalidPaymentCommandError extends PaymentDomainError {
  override readonly name = 'InvalidPaymentCommandError';
}

/** The command names another order than the one this stream belongs to. */
export class OrderMismatchError extends PaymentDomainError {
  override readonly name = 'OrderMismatchError';

  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`this payment belongs to order ${expected}, not ${actual}`);
  }
}

/** A provider result or webhook for an order whose charge was never requested. */
export class NoChargeRequestedError extends PaymentDomainError {
  override readonly name = 'NoChargeRequestedError';

  constructor(what: string) {
    super(`${what}: no charge was requested for this order`);
  }
}

/** The provider names a different payment than the one recorded for this order. */
export class ProviderPaymentMismatchError extends PaymentDomainError {
  override readonly name = 'ProviderPaymentMismatchError';

  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`provider payment ${actual} does not match this order's payment ${expected}`);
  }
}

/** A refund result for an order whose refund was never requested. */
export class NoRefundRequestedError extends PaymentDomainError {
  override readonly name = 'NoRefundRequestedError';

  constructor() {
    super('refund result: no refund was requested for this order');
  }
}
