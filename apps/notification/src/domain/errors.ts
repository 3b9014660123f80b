/** The input can never be right: retrying cannot help (`retriable = false` → dead-letter). */
export abstract class NotificationDomainError extends Error {
  readonly retriable = false;
}

/** A command's data is malformed (an id, or an e-mail address we must not write to). */
export class InvalidNotificationCommandError extends NotificationDomainError {
  override readonly name = 'InvalidNotificationCommandError';
}

/** A send was recorded for an e-mail this order never requested. */
export class UnknownNotificationError extends NotificationDomainError {
  override readonly name = 'UnknownNotificationError';

  constructor(readonly dedupeKey: string) {
    super(`no notification ${dedupeKey} was requested for this order`);
  }
}
