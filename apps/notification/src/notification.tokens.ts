/** DI tokens of the notification app. */

/** The `Mailer` e-mails go out through (SMTP in production, the SMTP sink in tests and the demo). */
export const MAILER = Symbol('MAILER');
