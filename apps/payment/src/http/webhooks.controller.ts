import type { Cause } from '@acme/messaging';
import { Public, RequestCause, ValidBody } from '@acme/service';
import {
  ConflictException,
  Controller,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ConfirmWebhook,
  UnknownPaymentError,
  WebhookReplayError,
  type WebhookOutcome,
} from '../application/confirm-webhook.js';
import { webhookHeaders } from '../infrastructure/simulator-webhooks.js';
import { throwAsHttp } from './domain-errors.js';
import { providerWebhookBody, type ProviderWebhookRequest } from './schemas.js';
import { WebhookSignatureGuard } from './webhook-signature.guard.js';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(@Inject(ConfirmWebhook) private readonly webhooks: ConfirmWebhook) {}

  @Post('provider')
  @HttpCode(200)
  // The provider authenticates with its HMAC signature, not with a bearer token.
  @Public()
  @UseGuards(WebhookSignatureGuard)
  @ApiOperation({
    summary: 'The payment provider settles an asynchronous payment (HMAC-signed)',
    description:
      'Signature: webhook-signature = v1=<hex HMAC-SHA256 of "<webhook-timestamp>.<raw body>">. ' +
      'Publishes com.acme.payment.charged.v1 or failed.v1 (and refunded.v1 when the order was cancelled meanwhile).',
  })
  @ApiHeader({
    name: webhookHeaders.timestamp,
    description: 'Epoch seconds; at most PAYMENT_WEBHOOK_TOLERANCE_S old.',
  })
  @ApiHeader({ name: webhookHeaders.signature, description: 'v1=<64 hex digits>' })
  @ApiResponse({
    status: 200,
    description: 'Applied, or a redelivered webhook id (result: duplicate; nothing changed).',
  })
  @ApiResponse({ status: 400, description: 'Malformed JSON or body (field errors).' })
  @ApiResponse({
    status: 401,
    description: 'Signature missing, malformed, wrong, or timestamp outside the tolerance.',
  })
  @ApiResponse({ status: 404, description: 'No payment is known for the order.' })
  @ApiResponse({
    status: 409,
    description: 'Replay of a request already accepted, or the payment is not awaiting this confirmation.',
  })
  async receive(
    @ValidBody(providerWebhookBody) body: ProviderWebhookRequest,
    @Headers(webhookHeaders.signature) signature: string,
    @RequestCause() cause: Cause,
  ): Promise<WebhookOutcome> {
    try {
      return await this.webhooks.confirm({ ...body, signature: signature.trim() }, cause);
    } catch (error) {
      if (error instanceof WebhookReplayError) throw new ConflictException(error.message);
      if (error instanceof UnknownPaymentError) throw new NotFoundException(error.message);
      return throwAsHttp(error);
    }
  }
}
