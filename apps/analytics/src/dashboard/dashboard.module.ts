import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { DashboardLive } from './dashboard.live.js';

/**
 * The live dashboard: GET /dashboard (page), /dashboard/assets/:name (its files and Chart.js),
 * /dashboard/stream (server-sent snapshots). Needs `READ_MODEL` from the app's root module.
 */
@Module({
  controllers: [DashboardController],
  providers: [DashboardLive],
})
export class DashboardModule {}
