import { TooManyConflictsError } from '@acme/event-store';
import { badRequest, type FieldError } from '@acme/service';
import {
  Catch,
  ConflictException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import {
  OrderAlreadyExistsError,
  OrderAlreadyShippedError,
  OrderError,
  OrderNotConfirmedError,
  OrderNotFoundError,
  OrderValidationError,
} from '../domain/index.js';

/**
 * Domain errors as HTTP answers: invalid order → 400 with the request's field names, unknown
 * order → 404, a state that forbids the command → 409 (with the order's status when known),
 * too much contention on one order → 503 (retry). Anything else is not ours to translate.
 */
@Catch(OrderError, TooManyConflictsError)
export class OrderErrorsFilter implements ExceptionFilter {
  catch(error: OrderError | TooManyConflictsError, host: ArgumentsHost): void {
    const http = toHttp(error);
    host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>()
      .status(http.getStatus())
      .json(http.getResponse());
  }
}

function toHttp(error: OrderError | TooManyConflictsError): HttpException {
  if (error instanceof OrderValidationError)
    return badRequest('invalid order', error.errors.map(requestField));
  if (error instanceof OrderNotFoundError) return new NotFoundException('no such order');
  if (error instanceof OrderNotConfirmedError)
    return new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: error.message,
      status: error.status,
    });
  if (error instanceof OrderAlreadyShippedError)
    return new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: error.message,
      status: 'shipped',
    });
  if (error instanceof OrderAlreadyExistsError)
    return new ConflictException(
      `Idempotency-Key already used for a different order (${error.orderId}); use a new key for a new order`,
    );
  if (error instanceof TooManyConflictsError) return new ServiceUnavailableException('order busy; retry');
  // OrderDeadlineNotReachedError never reaches HTTP (only the deadline worker expires orders).
  return new ConflictException(error.message);
}

/** The domain names fields as its command has them; the client sent the request's names. */
function requestField({ field, message }: FieldError): FieldError {
  const dotted = field.replace(/\[(\d+)\]/g, '.$1');
  return { field: domainToRequest[dotted] ?? dotted, message };
}

const domainToRequest: Record<string, string> = {
  'customer.id': 'customerId',
  'customer.email': 'customerEmail',
  'customer.name': 'customerName',
};
