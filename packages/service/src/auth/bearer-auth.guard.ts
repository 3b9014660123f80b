import { hasRole, PUBLIC_ROUTE, REQUIRED_ROLES, type AuthenticatedRequest } from '@acme/http';
import {
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Logger as Pino } from 'pino';
import { ROOT_LOGGER } from '../platform.internal-tokens.js';
import { TOKEN_VERIFIER } from './auth.tokens.js';
import { InvalidTokenError, type TokenVerifier } from './token-verifier.js';

interface HttpRequest extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
}

interface HttpResponse {
  setHeader(name: string, value: string): unknown;
}

/** RFC 6750 b64token. */
const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The platform's global guard (APP_GUARD): every HTTP route needs `Authorization: Bearer <jwt>`
 * unless it is `@Public()`; a route with `@RequireRole(...)` also needs one of those roles.
 * No credentials → 401 with `WWW-Authenticate: Bearer`; a token that does not verify → 401 with
 * `error="invalid_token"`; a valid token without the role → 403. Guards run before pipes and the
 * handler, so a refused request reads and writes nothing. The token itself is never logged
 * (pino redacts the header).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(ROOT_LOGGER) private readonly logger: Pino,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers and other transports authenticate their own way (or not at all).
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const response = http.getResponse<HttpResponse>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? bearer.exec(header)?.[1] : undefined;
    if (token === undefined) {
      // No bearer credentials at all (RFC 6750 §3.1: no error code then).
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'a bearer token is required (Authorization: Bearer <jwt>)',
      });
    }
    try {
      request.principal = await this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) {
        this.logger.error({ err: error }, 'bearer token verification failed');
        throw new ServiceUnavailableException({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'cannot verify bearer tokens right now (the key set is unavailable)',
        });
      }
      response.setHeader(
        'WWW-Authenticate',
        `Bearer error="invalid_token", error_description="${error.message}"`,
      );
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: `invalid bearer token: ${error.message}`,
      });
    }
    const roles = this.reflector.getAllAndOverride<readonly string[] | undefined>(REQUIRED_ROLES, targets);
    const principal = request.principal;
    if (roles !== undefined && !roles.some((role) => hasRole(principal, role)))
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `requires the ${roles.join(' or ')} role`,
      });
    return true;
  }
}
