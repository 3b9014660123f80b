import type { AuthenticatedRequest } from '@acme/http';
import {
  HttpException,
  HttpStatus,
  Injectable,
  Module,
  UseGuards,
  type DynamicModule,
  type ExecutionContext,
} from '@nestjs/common';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail } from '@nestjs/throttler';

export interface RateLimitOptions {
  /** Requests one caller may make to a rate-limited route per window. */
  limit: number;
  windowMs: number;
}

/**
 * Counts per authenticated caller (the token's subject), not per address: customers behind one
 * NAT do not share a budget, and one customer cannot spread requests over addresses. Answers 429
 * with `Retry-After` (seconds) in the platform's error shape.
 */
@Injectable()
export class SubjectThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const subject = (request as AuthenticatedRequest).principal?.subject;
    // Only on a public route is there no principal; fall back to the address there.
    return Promise.resolve(subject === undefined ? `ip:${String(request.ip)}` : `sub:${subject}`);
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `more than ${detail.limit} requests in ${detail.ttl / 1000} s; retry in ${detail.timeToBlockExpire} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Rate-limit a route per caller, with the limit of `RateLimitModule.forRoot`. Runs after the
 * authentication guard, before pipes and the handler: a refused request writes nothing.
 *
 * @example
 *   @Post() @RateLimited() place(...) { ... }
 */
export const RateLimited = (): ClassDecorator & MethodDecorator => UseGuards(SubjectThrottlerGuard);

/**
 * The budget of `@RateLimited()` routes (each route counts separately). The counters live in this
 * process's memory: with N instances behind a load balancer a caller gets up to N × limit —
 * a shared store (Redis) would be the next step when that matters.
 *
 * @example
 *   imports: [RateLimitModule.forRoot({ limit: config.ORDER_RATE_LIMIT, windowMs: config.ORDER_RATE_WINDOW_MS })]
 */
@Module({})
export class RateLimitModule {
  static forRoot(options: RateLimitOptions): DynamicModule {
    return {
      module: RateLimitModule,
      imports: [ThrottlerModule.forRoot({ throttlers: [{ limit: options.limit, ttl: options.windowMs }] })],
      providers: [SubjectThrottlerGuard],
      exports: [SubjectThrottlerGuard],
    };
  }
}
