/** One e-mail, ready for the wire. */
export interface OutgoingMail {
  /** Message-ID header, angle brackets included: the same e-mail keeps the same id on every attempt. */
  messageId: string;
  from: string;
  to: { email: string; name: string | null };
  subject: string;
  text: string;
  html: string;
}

/** Where e-mails go out (the port; `SmtpMailer` is the adapter). */
export interface Mailer {
  /** Resolves once the mail server accepted the message; rejects with `MailRejectedError` or any error. */
  send(mail: OutgoingMail): Promise<void>;
}

/**
 * The mail server refused this message for good (a 5xx on the recipient or the content): sending it
 * again would be refused again. Anything else (connection refused, timeout, 4xx) is worth a retry.
 */
export class MailRejectedError extends Error {
  override readonly name = 'MailRejectedError';
  readonly retriable = false;
}
