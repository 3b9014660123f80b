import { PlatformModule } from '@acme/service';
import { Module, type DynamicModule } from '@nestjs/common';
import { inventoryPublishes } from './application/integration-events.js';
import { INVENTORY_OPTIONS, type InventoryOptions } from './application/inventory.tokens.js';
import { OrderEventsHandler } from './application/order-events.handler.js';
import { OrderStockService } from './application/order-stock.service.js';
import { StockService } from './application/stock.service.js';
import type { InventoryConfig } from './config.js';
import { AdminStockController } from './http/admin-stock.controller.js';
import { StockController } from './http/stock.controller.js';
import { inventoryMigrations } from './infrastructure/migrations/index.js';

/** The inventory service: stock admin and queries over HTTP, the order saga's stock side on Kafka. */
@Module({})
export class AppModule {
  static register(config: InventoryConfig): DynamicModule {
    const options: InventoryOptions = {
      skuLocks: config.INVENTORY_SKU_LOCKS,
      conflictAttempts: config.INVENTORY_CONFLICT_ATTEMPTS,
    };
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'inventory',
          config,
          publishes: inventoryPublishes,
          // A run of order events per transaction: it takes all its SKU locks in one sorted
          // acquisition up front (OrderStockService.apply), so two partitions' runs cannot deadlock.
          consumes: { topics: ['order.events'], batchSize: 32 },
          migrations: [inventoryMigrations],
        }),
      ],
      controllers: [StockController, AdminStockController],
      providers: [
        { provide: INVENTORY_OPTIONS, useValue: options },
        StockService,
        OrderStockService,
        OrderEventsHandler,
      ],
    };
  }
}
