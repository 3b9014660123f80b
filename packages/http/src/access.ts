import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

/** Who made an authenticated request: the token's `sub` and its `roles` claim. */
export interface Principal {
  subject: string;
  roles: readonly string[];
}

/** The role of operators: stock seeding, read-model rebuilds, DLQ replay, support views. */
export const adminRole = 'admin';

/** Metadata key of `@Public()` (read by the platform's authentication guard). */
export const PUBLIC_ROUTE = 'acme:public-route';
/** Metadata key of `@RequireRole()` (read by the platform's authentication guard). */
export const REQUIRED_ROLES = 'acme:required-roles';

/**
 * A route (or every route of a controller) that needs no bearer token: probes, scrapes, the
 * provider's HMAC-signed webhook. Everything else is authenticated by default.
 *
 * @example
 *   @Public() @Get('live') live() { ... }
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Only a caller whose token holds one of `roles` gets through (403 otherwise); on the method or
 * the controller. Where the platform's guard is not installed (a bare Nest app), it is inert.
 *
 * @example
 *   @RequireRole('admin') @Post() add(...) { ... }
 */
export const RequireRole = (...roles: [string, ...string[]]): ClassDecorator & MethodDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** Where the guard leaves the principal on the request. */
export interface AuthenticatedRequest {
  principal?: Principal;
}

/**
 * The authenticated caller of the request (`{ subject, roles }`). On a `@Public()` route there is
 * none: using it there is a programming error and throws.
 *
 * @example
 *   @Post() place(@Principal() caller: Principal) { ... caller.subject ... }
 */
export const Principal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('no authenticated principal: the route is public or the guard is missing');
  return principal;
});

/** Whether the principal holds `role`. */
export const hasRole = (principal: Principal, role: string): boolean => principal.roles.includes(role);
