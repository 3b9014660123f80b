import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { startCause, type Cause } from '@acme/messaging';
import { activeTraceparent } from '@acme/telemetry';

/**
 * The cause of what an HTTP request makes happen: a new command id, the request's correlation id
 * (the caller's `x-correlation-id`, else the request id the logs carry), and the request's trace,
 * which the events it causes carry on to every service they reach.
 *
 * @example
 *   @Post() place(@Body(...) body: PlaceOrderBody, @RequestCause() cause: Cause) { ... }
 */
export const RequestCause = createParamDecorator((_: unknown, context: ExecutionContext): Cause => {
  const request = context.switchToHttp().getRequest<{ id?: unknown }>();
  const commandId = randomUUID();
  return startCause(commandId, typeof request.id === 'string' ? request.id : commandId, activeTraceparent());
});
