import { BadRequestException, ConflictException, ServiceUnavailableException } from '@nestjs/common';
import { isRetriable } from '@acme/messaging';
import { InvalidPaymentCommandError, PaymentDomainError } from '../domain/index.js';

/**
 * Throws a domain error as its HTTP answer: malformed data → 400; any other rule (no charge
 * requested, another provider payment) conflicts with the payment's state → 409; a provider or
 * database hiccup that says it is worth retrying → 503. Anything else is rethrown as is (500).
 */
export function throwAsHttp(error: unknown): never {
  if (error instanceof InvalidPaymentCommandError) throw new BadRequestException(error.message);
  if (error instanceof PaymentDomainError) throw new ConflictException(error.message);
  if (error instanceof Error && 'retriable' in error && isRetriable(error))
    throw new ServiceUnavailableException('temporarily unable to process the webhook; retry later');
  throw error;
}
