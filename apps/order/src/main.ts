import 'reflect-metadata';
import { ConfigError, loadConfig, runService } from '@acme/service';
import { AppModule } from './app.module.js';
import { orderConfigSchema, type OrderConfig } from './config.js';

let config: OrderConfig;
try {
  config = loadConfig('order', orderConfigSchema);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // No logger without a config: one JSON line, as runService writes for a failed start.
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'invalid configuration', problems: error.problems })}\n`,
  );
  process.exit(1);
}
await runService(AppModule.register(config), config, {
  title: 'Order service',
  description: 'Places, cancels and ships orders; follows inventory and payment to confirm or cancel them.',
});
