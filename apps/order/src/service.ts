import 'reflect-metadata';
import { startService } from '@acme/service';
import { AppModule } from './app.module.js';
import { orderConfigSchema } from './config.js';

await startService('order', orderConfigSchema, (config) => AppModule.register(config), {
  title: 'Order service',
  description: 'Places, cancels and ships orders; follows inventory and payment to confirm or cancel them.',
});
