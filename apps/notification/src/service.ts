import 'reflect-metadata';
import { startService } from '@acme/service';
import { AppModule } from './app.module.js';
import { notificationConfigSchema } from './config.js';

await startService('notification', notificationConfigSchema, (config) => AppModule.register(config), {
  title: 'Notification service',
  description: 'E-mails about the order lifecycle, once per event and recipient, over SMTP.',
});
