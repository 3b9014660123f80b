import type { OrderStatus } from './state.js';
import type { FieldError } from './validation.js';

/**
 * Errors `decide` throws on purpose. Like the platform's other errors they say whether the same
 * command could succeed later (`retriable`), which the consumer runtime and the scheduler use to
 * choose between retry and giving up; the HTTP layer maps them to status codes.
 */
export abstract class OrderError extends Error {
  abstract readonly retriable: boolean;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The PlaceOrder command is malformed (HTTP 400); `errors` names every offending field. */
export class OrderValidationError extends OrderError {
  readonly retriable = false;

  constructor(readonly errors: readonly FieldError[]) {
    super(`invalid order: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  }
}

/** An order with this id exists with different content (HTTP 409). */
export class OrderAlreadyExistsError extends OrderError {
  readonly retriable = false;

  constructor(readonly orderId: string) {
    super(`order ${orderId} already exists with different content`);
  }
}

/** The command is about an order that was never placed (HTTP 404; dead-lettered as a message). */
export class OrderNotFoundError extends OrderError {
  readonly retriable = false;

  constructor(readonly command: string) {
    super(`${command}: no such order`);
  }
}

/** A shipped order cannot be cancelled (HTTP 409). */
export class OrderAlreadyShippedError extends OrderError {
  readonly retriable = false;

  constructor(readonly orderId: string) {
    super(`order ${orderId} is already shipped and can no longer be cancelled`);
  }
}

/** Only a confirmed order ships (HTTP 409). */
export class OrderNotConfirmedError extends OrderError {
  readonly retriable = false;

  constructor(
    readonly orderId: string,
    readonly status: OrderStatus,
  ) {
    super(`order ${orderId} is ${status}, not confirmed; only a confirmed order ships`);
  }
}

/**
 * The deadline trigger fired before the deadline (clock skew between instances). Retriable: the
 * trigger keeps its row and fires again; cancelling early would break the promise of the deadline.
 */
export class OrderDeadlineNotReachedError extends OrderError {
  readonly retriable = true;

  constructor(
    readonly orderId: string,
    readonly deadlineAt: number,
    readonly now: number,
  ) {
    super(`order ${orderId}: deadline ${deadlineAt} not reached at ${now}`);
  }
}
