import 'reflect-metadata';
import { startService } from '@acme/service';
import { AppModule } from './app.module.js';
import { analyticsConfigSchema } from './config.js';

await startService('analytics', analyticsConfigSchema, (config) => AppModule.register(config), {
  title: 'Analytics service',
  description:
    'The read model of the order lifecycle (orders, timelines, sales, saga outcomes), rebuilt blue/green, and a live dashboard at /dashboard.',
});
