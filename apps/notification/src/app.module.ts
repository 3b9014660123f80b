import { CONFIG, DEADLINE_HANDLERS, PlatformModule } from '@acme/service';
import type { DeadlineHandler } from '@acme/scheduler';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { EMAIL_SEND } from './application/email-jobs.js';
import type { Mailer } from './application/mailer.js';
import { OrderEventHandlers } from './application/order-event-handlers.js';
import { sendEmail } from './application/send-email.js';
import type { NotificationConfig } from './config.js';
import { NotificationsController } from './http/notifications.controller.js';
import { SmtpMailer } from './infrastructure/smtp-mailer.js';
import { MAILER } from './notification.tokens.js';

/**
 * The notification service: consumes order.events, keeps each order's e-mails in an event-sourced
 * stream, and sends them through durable `email.send` jobs (the platform's deadline worker).
 * Publishes nothing.
 */
@Module({})
export class AppModule {
  static register(config: NotificationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'notification',
          config,
          publishes: [],
          // E-mail jobs of many orders are written in one transaction (one commit per batch).
          consumes: { topics: ['order.events'], batchSize: 32 },
        }),
      ],
      controllers: [NotificationsController],
      providers: [
        OrderEventHandlers,
        {
          provide: MAILER,
          useFactory: () => new SmtpMailer({ url: config.SMTP_URL, timeoutMs: config.SMTP_TIMEOUT_MS }),
        },
        {
          provide: DEADLINE_HANDLERS,
          inject: [MAILER, CONFIG],
          useFactory: (
            mailer: Mailer,
            cfg: NotificationConfig,
          ): Record<string, DeadlineHandler<unknown>> => ({
            [EMAIL_SEND]: sendEmail({ mailer, from: cfg.MAIL_FROM, logger: new Logger(EMAIL_SEND) }),
          }),
        },
      ],
    };
  }
}
