import 'reflect-metadata';
import { ConfigError, loadConfig, runService } from '@acme/service';
import { AppModule } from './app.module.js';
import { inventoryConfigSchema, type InventoryConfig } from './config.js';

let config: InventoryConfig;
try {
  config = loadConfig('inventory', inventoryConfigSchema);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // Before any logger exists: one JSON line naming every bad variable, then a failed exit.
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: error.message, problems: error.problems })}\n`,
  );
  process.exit(1);
}

await runService(AppModule.register(config), config, {
  title: 'Inventory service',
  description: 'Stock per SKU; reserves all lines of an order or none, releases them on cancellation.',
});
