import type { RawBodyRequest } from '@acme/service';
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { PaymentConfig } from '../config.js';
import { verifyWebhook } from '../domain/index.js';
import { webhookHeaders } from '../infrastructure/simulator-webhooks.js';
import { PAYMENT_CONFIG } from '../payment.tokens.js';

interface SignedRequest extends RawBodyRequest {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Verifies the provider's HMAC over the RAW body (as received: a re-serialisation would not match)
 * before the body is validated or anything is read: a forged, stale or unsigned request gets 401
 * and learns nothing else. Guards run before pipes, so this also precedes `@ValidBody`.
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  constructor(@Inject(PAYMENT_CONFIG) private readonly config: PaymentConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<SignedRequest>();
    const verdict = verifyWebhook({
      secret: this.config.PAYMENT_WEBHOOK_SECRET,
      timestampHeader: single(request.headers[webhookHeaders.timestamp]),
      signatureHeader: single(request.headers[webhookHeaders.signature]),
      body: request.rawBody ?? Buffer.alloc(0),
      now: Date.now(),
      toleranceSeconds: this.config.PAYMENT_WEBHOOK_TOLERANCE_S,
    });
    if (verdict.ok) return true;
    throw new UnauthorizedException({
      statusCode: 401,
      error: 'Unauthorized',
      message: `webhook signature refused: ${verdict.reason}`,
    });
  }
}

// A repeated header arrives as an array: not a well-formed signed request.
const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;
