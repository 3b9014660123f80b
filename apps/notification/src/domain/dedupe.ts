/**
 * The once-only key of an e-mail: one e-mail per (event, recipient), however often the event is
 * redelivered. The sender records it (unique) in the same transaction that marks the e-mail sent.
 *
 * @example
 *   notificationDedupeKey('evt-42', 'ana@example.com') // 'evt-42:ana@example.com'
 */
export const notificationDedupeKey = (eventId: string, recipient: string): string =>
  `${eventId}:${recipient}`;
