import type { OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { MailRejectedError, type Mailer, type OutgoingMail } from '../application/mailer.js';

export interface SmtpMailerOptions {
  /** `smtp://host:port` or `smtps://user:pass@host:port`, nodemailer options as query parameters. */
  url: string;
  timeoutMs: number;
}

/**
 * Sends over SMTP through one pooled nodemailer transport for the life of the process (connections
 * are reused between jobs), closed on shutdown. Built by a factory provider (no injected deps).
 */
export class SmtpMailer implements Mailer, OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(options: SmtpMailerOptions) {
    this.transport = createTransport({
      url: options.url,
      pool: true,
      maxConnections: 2,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail({
        messageId: mail.messageId,
        from: mail.from,
        to: mail.to.name === null ? mail.to.email : { name: mail.to.name, address: mail.to.email },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    } catch (error) {
      if (isPermanentRejection(error)) throw new MailRejectedError(messageOf(error), { cause: error });
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
}

// EENVELOPE: every recipient refused; EMESSAGE with a 5xx: the content refused. 4xx stays retriable.
function isPermanentRejection(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, responseCode } = error as SmtpError;
  const permanent = typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
  return permanent && (code === 'EENVELOPE' || code === 'EMESSAGE');
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
