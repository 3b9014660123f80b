import 'reflect-metadata';
import { ConfigError, loadConfig, runService } from '@acme/service';
import { AppModule } from './app.module.js';
import { notificationConfigSchema, type NotificationConfig } from './config.js';

let config: NotificationConfig;
try {
  config = loadConfig('notification', notificationConfigSchema);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // No logger without a configuration: one line per bad variable, then a non-zero exit.
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
await runService(AppModule.register(config), config, {
  title: 'Notification service',
  description: 'E-mails about the order lifecycle, once per event and recipient, over SMTP.',
});
