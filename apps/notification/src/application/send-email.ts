import { aggregateStream, handleCommand } from '@acme/event-store';
import type { Deadline, DeadlineHandler } from '@acme/scheduler';
import type { LoggerService } from '@nestjs/common';
import {
  notificationDecider,
  notificationStreamId,
  renderNotification,
  type NotificationRequest,
} from '../domain/index.js';
import { EMAIL_SEND, emailJobOf } from './email-jobs.js';
import { MailRejectedError, type Mailer, type OutgoingMail } from './mailer.js';

export interface SendEmailDeps {
  mailer: Mailer;
  /** The From header (MAIL_FROM). */
  from: string;
  logger: LoggerService;
}

/**
 * The `email.send` deadline handler: render the requested e-mail from the order's notification
 * stream, hand it to the mail server, and record it sent — in the job's transaction, so the job is
 * fired if and only if `NotificationSent` is stored. A failed send throws: the worker rolls back and
 * retries the job with backoff. (Sent but not recorded — a crash between the two — means one more
 * send on retry; its Message-ID is the same, so the duplicate is visible and mail clients fold it.)
 */
export function sendEmail(deps: SendEmailDeps): DeadlineHandler<unknown> {
  return async (deadline: Deadline, tx) => {
    const { orderId, dedupeKey, correlationId } = emailJobOf(deadline.payload);
    const streamId = notificationStreamId(orderId);
    const { state } = await aggregateStream(tx, streamId, notificationDecider);
    if (state.sent.includes(dedupeKey)) return; // recorded by an earlier attempt
    const request = state.outstanding.find((n) => n.dedupeKey === dedupeKey);
    if (!request) {
      deps.logger.error({
        correlationId,
        orderId,
        dedupeKey,
        msg: 'e-mail job for a notification never requested; dropped',
      });
      return;
    }
    try {
      await deps.mailer.send(outgoing(request, deps.from));
    } catch (error) {
      if (!(error instanceof MailRejectedError)) throw error;
      // Retrying cannot change the server's mind; the e-mail stays outstanding for support to see.
      deps.logger.error({
        correlationId,
        orderId,
        dedupeKey,
        err: error.message,
        msg: 'mail server refused the e-mail for good',
      });
      return;
    }
    await handleCommand(tx, {
      decider: notificationDecider,
      streamId,
      command: { type: 'RecordSent', data: { dedupeKey }, metadata: { now: Date.now() } },
      correlationId,
      causationId: `${EMAIL_SEND}:${dedupeKey}`,
    });
    deps.logger.log({ correlationId, orderId, dedupeKey, template: request.template, msg: 'e-mail sent' });
  };
}

/** `<dedupeKey@acme.notification>`: one id per (event, recipient), the same on every attempt. */
export const messageIdOf = (dedupeKey: string): string => `<${dedupeKey}@acme.notification>`;

function outgoing(request: NotificationRequest, from: string): OutgoingMail {
  const { subject, text, html } = renderNotification(request);
  return { messageId: messageIdOf(request.dedupeKey), from, to: request.recipient, subject, text, html };
}
