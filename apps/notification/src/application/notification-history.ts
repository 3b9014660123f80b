import { readStream, type Executor } from '@acme/event-store';
import {
  notificationStreamId,
  type NotificationEvent,
  type Recipient,
  type TemplateName,
} from '../domain/index.js';

export interface EmailView {
  dedupeKey: string;
  /** The CloudEvents id of the order event the e-mail is about. */
  eventId: string;
  template: TemplateName;
  to: Recipient;
  status: 'pending' | 'sent';
  requestedAt: string;
  sentAt: string | null;
}

/** What support sees of one order's e-mails. */
export interface NotificationHistory {
  orderId: string;
  /** Whom the order's e-mails go to; null until OrderPlaced arrived. */
  contact: Recipient | null;
  emails: EmailView[];
  /** Facts that arrived before OrderPlaced, waiting for the contact. */
  deferred: { eventId: string; template: TemplateName; deferredAt: string }[];
}

/** The order's e-mails from its notification stream; undefined when the order never got one. */
export async function notificationHistory(
  db: Executor,
  orderId: string,
): Promise<NotificationHistory | undefined> {
  const events = await readStream<NotificationEvent>(db, notificationStreamId(orderId));
  if (events.length === 0) return undefined;
  const history: NotificationHistory = { orderId, contact: null, emails: [], deferred: [] };
  const iso = (ms: number): string => new Date(ms).toISOString();
  for (const event of events) {
    switch (event.type) {
      case 'ContactLearned':
        history.contact = { email: event.data.email, name: event.data.name };
        break;
      case 'NotificationDeferred':
        history.deferred.push({
          eventId: event.data.eventId,
          template: event.data.fact.template,
          deferredAt: iso(event.data.deferredAt),
        });
        break;
      case 'NotificationRequested': {
        const { dedupeKey, eventId, template, recipient, requestedAt } = event.data;
        history.deferred = history.deferred.filter((d) => d.eventId !== eventId);
        history.emails.push({
          dedupeKey,
          eventId,
          template,
          to: recipient,
          status: 'pending',
          requestedAt: iso(requestedAt),
          sentAt: null,
        });
        break;
      }
      case 'NotificationSent': {
        const email = history.emails.find((e) => e.dedupeKey === event.data.dedupeKey);
        if (email) Object.assign(email, { status: 'sent', sentAt: iso(event.data.sentAt) });
        break;
      }
    }
  }
  return history;
}
