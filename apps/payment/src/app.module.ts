import { PlatformModule } from '@acme/service';
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfirmWebhook } from './application/confirm-webhook.js';
import { paymentPublishes } from './application/integration-events.js';
import { PaymentEventHandlers } from './application/payment-event-handlers.js';
import { PaymentProcess } from './application/payment-process.js';
import type { PaymentConfig } from './config.js';
import { PaymentsController } from './http/payments.controller.js';
import { WebhookSignatureGuard } from './http/webhook-signature.guard.js';
import { WebhooksController } from './http/webhooks.controller.js';
import { paymentMigrations } from './infrastructure/migrations/index.js';
import { SimulatorHost } from './infrastructure/simulator-host.js';
import { SimulatorWebhooks } from './infrastructure/simulator-webhooks.js';
import { PAYMENT_CONFIG, PAYMENT_PROVIDER } from './payment.tokens.js';

/**
 * The payment service: charges an order once its stock is reserved, refunds it when the order is
 * cancelled, settles asynchronous payments from the provider's signed webhooks.
 */
@Module({})
export class AppModule {
  static register(config: PaymentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'payment',
          config,
          publishes: paymentPublishes,
          consumes: {
            topics: ['order.events', 'inventory.events'],
            // Many orders' charges recorded in one transaction (one commit per batch).
            batchSize: 32,
            // Provider timeouts are retried by redelivery: leave room for all of them, then one more.
            maxAttempts: Math.max(5, config.PAYMENT_PROVIDER_MAX_ATTEMPTS + 1),
          },
          migrations: [paymentMigrations],
        }),
      ],
      controllers: [PaymentsController, WebhooksController],
      providers: [
        { provide: PAYMENT_CONFIG, useValue: config },
        SimulatorWebhooks,
        SimulatorHost,
        {
          provide: PAYMENT_PROVIDER,
          inject: [SimulatorHost],
          useFactory: (host: SimulatorHost) => host.simulator,
        },
        PaymentProcess,
        ConfirmWebhook,
        PaymentEventHandlers,
        WebhookSignatureGuard,
      ],
    };
  }
}
