import 'reflect-metadata';
import { startService } from '@acme/service';
import { AppModule } from './app.module.js';
import { paymentConfigSchema } from './config.js';

await startService('payment', paymentConfigSchema, (config) => AppModule.register(config), {
  title: 'Payment service',
  description:
    'Charges an order once its stock is reserved, refunds it when the order is cancelled, and settles ' +
    "asynchronous payments from the provider's HMAC-signed webhooks.",
});
