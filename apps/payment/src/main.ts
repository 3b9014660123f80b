import 'reflect-metadata';
import { loadConfig, runService } from '@acme/service';
import { AppModule } from './app.module.js';
import { paymentConfigSchema, type PaymentConfig } from './config.js';

let config: PaymentConfig;
try {
  config = loadConfig('payment', paymentConfigSchema);
} catch (error) {
  // ConfigError names the variables and what is wrong, never their values (the webhook secret).
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'payment', msg: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
}

await runService(AppModule.register(config), config, {
  title: 'Payment service',
  description:
    'Charges an order once its stock is reserved, refunds it when the order is cancelled, and settles ' +
    "asynchronous payments from the provider's HMAC-signed webhooks.",
});
