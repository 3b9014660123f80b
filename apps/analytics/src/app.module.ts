import { PlatformModule } from '@acme/service';
import { Module, type DynamicModule } from '@nestjs/common';
import { RebuildController } from './admin/rebuild.controller.js';
import type { AnalyticsConfig } from './config.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { OrdersQueryController } from './http/orders.controller.js';
import { ReportsController } from './http/reports.controller.js';
import { analyticsProjection } from './read-model/projection.js';
import { ReadModelModule } from './read-model.module.js';

/**
 * The analytics service: projects every integration event into its read model (a generation of
 * tables in its own schema, rebuilt blue/green by the platform's `ProjectionHost`), answers
 * queries from the serving generation, and shows a live dashboard. Publishes nothing.
 */
@Module({})
export class AppModule {
  static register(config: AnalyticsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'analytics',
          config,
          publishes: [],
          projection: { spec: analyticsProjection },
        }),
        ReadModelModule,
        DashboardModule,
      ],
      controllers: [OrdersQueryController, ReportsController, RebuildController],
    };
  }
}
