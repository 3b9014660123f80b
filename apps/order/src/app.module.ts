import { DEADLINE_HANDLERS, PlatformModule, RateLimitModule } from '@acme/service';
import { Module, type DynamicModule } from '@nestjs/common';
import { orderIntegrationEventTypes } from './application/integration-events.js';
import { OrderCommands } from './application/order-commands.js';
import { OrderEventHandlers } from './application/order-event-handlers.js';
import { orderDeadlineHandlers } from './application/order-timeout.js';
import { PlaceOrderHandler } from './application/place-order.js';
import { SagaMetrics } from './application/saga-metrics.js';
import type { OrderConfig } from './config.js';
import { OrdersController } from './http/orders.controller.js';
import { orderMigrations } from './infrastructure/migrations/index.js';

/**
 * The order service: HTTP API, reactions to inventory and payment, the order deadline — on the
 * platform (database with the catalogue migration, outbox relay, consumer, deadline worker).
 */
@Module({})
export class AppModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'order',
          config,
          publishes: orderIntegrationEventTypes,
          // Replies for different orders share a transaction (one commit, one inbox insert per batch).
          consumes: { topics: ['inventory.events', 'payment.events'], batchSize: 32 },
          migrations: [orderMigrations],
        }),
        // Counters per instance (in memory): N instances allow up to N × the limit per customer.
        RateLimitModule.forRoot({ limit: config.ORDER_RATE_LIMIT, windowMs: config.ORDER_RATE_WINDOW_MS }),
      ],
      controllers: [OrdersController],
      providers: [
        SagaMetrics,
        OrderCommands,
        PlaceOrderHandler,
        OrderEventHandlers,
        { provide: DEADLINE_HANDLERS, inject: [OrderCommands], useFactory: orderDeadlineHandlers },
      ],
    };
  }
}
