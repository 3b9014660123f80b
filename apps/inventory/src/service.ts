import 'reflect-metadata';
import { startService } from '@acme/service';
import { AppModule } from './app.module.js';
import { inventoryConfigSchema } from './config.js';

await startService('inventory', inventoryConfigSchema, (config) => AppModule.register(config), {
  title: 'Inventory service',
  description: 'Stock per SKU; reserves all lines of an order or none, releases them on cancellation.',
});
