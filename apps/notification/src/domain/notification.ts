import { assertNever, type Event } from '@acme/event-store';
import type { CancellationReason, Notification, OrderLine, TemplateName } from './templates/types.js';

/**
 * The e-mails of one order (stream `notification-<orderId>`): events, state and `evolve`.
 *
 * OrderPlaced is the only fact that says whom to write to. A later fact that arrives before it
 * (another topic, a dead-letter replay) is deferred in the stream, not dropped, and requested as soon
 * as the contact is known — after the "received" e-mail, so the customer reads them in order:
 *
 *   OrderConfirmed/Cancelled/Shipped ──contact unknown──► NotificationDeferred ─┐
 *                                    ──contact known────► NotificationRequested ◄┴─ OrderPlaced (ContactLearned)
 *   NotificationRequested ──RecordSent──► NotificationSent
 *
 * Each lifecycle e-mail is requested at most once per order, whatever the redeliveries; the sender
 * makes it once per (event, recipient) with `notificationDedupeKey`.
 */

export interface Recipient {
  email: string;
  name: string | null;
}

/** A later lifecycle fact, kept until the contact is known. */
export type DeferredFact =
  | { template: 'order-confirmed' }
  | { template: 'order-cancelled'; reason: CancellationReason; detail: string | null }
  | { template: 'order-shipped' };

interface RequestEnvelope {
  /** The id of the event that caused the e-mail (CloudEvents id). */
  eventId: string;
  /** `${eventId}:${recipient}`: the sender's once-only key. */
  dedupeKey: string;
  recipient: Recipient;
  requestedAt: number;
}

/** An e-mail to send: who to, and the template data it renders from. */
export type NotificationRequest = RequestEnvelope & Notification;

export type NotificationEvent =
  | Event<
      'ContactLearned',
      {
        orderId: string;
        customerId: string;
        email: string;
        name: string | null;
        lines: OrderLine[];
        currency: string;
        totalMinor: number;
        learnedAt: number;
      }
    >
  | Event<'NotificationDeferred', { eventId: string; fact: DeferredFact; deferredAt: number }>
  | Event<'NotificationRequested', NotificationRequest>
  | Event<'NotificationSent', { dedupeKey: string; sentAt: number }>;

export const notificationEventTypes: readonly NotificationEvent['type'][] = [
  'ContactLearned',
  'NotificationDeferred',
  'NotificationRequested',
  'NotificationSent',
];

export interface OrderContact {
  orderId: string;
  customerId: string;
  recipient: Recipient;
  lines: OrderLine[];
  currency: string;
  totalMinor: number;
}

/** JSON-safe (snapshots): absent values are `null`. */
export interface NotificationState {
  contact: OrderContact | null;
  /** Lifecycle e-mails already requested or deferred: each at most once per order. */
  handled: TemplateName[];
  deferred: { eventId: string; fact: DeferredFact }[];
  /** Requested and not yet recorded as sent, oldest first. */
  outstanding: NotificationRequest[];
  sent: string[];
}

export const initialNotificationState = (): NotificationState => ({
  contact: null,
  handled: [],
  deferred: [],
  outstanding: [],
  sent: [],
});

export function evolveNotification(state: NotificationState, event: NotificationEvent): NotificationState {
  switch (event.type) {
    case 'ContactLearned': {
      const { orderId, customerId, email, name, lines, currency, totalMinor } = event.data;
      const contact = { orderId, customerId, recipient: { email, name }, lines, currency, totalMinor };
      return { ...state, contact, handled: withTemplate(state.handled, 'order-placed') };
    }
    case 'NotificationDeferred': {
      const { eventId, fact } = event.data;
      return {
        ...state,
        handled: withTemplate(state.handled, fact.template),
        deferred: [...state.deferred, { eventId, fact }],
      };
    }
    case 'NotificationRequested':
      return {
        ...state,
        handled: withTemplate(state.handled, event.data.template),
        deferred: state.deferred.filter((d) => d.eventId !== event.data.eventId),
        outstanding: [...state.outstanding, event.data],
      };
    case 'NotificationSent':
      return {
        ...state,
        outstanding: state.outstanding.filter((n) => n.dedupeKey !== event.data.dedupeKey),
        sent: [...state.sent, event.data.dedupeKey],
      };
    default:
      return assertNever(event);
  }
}

const withTemplate = (handled: TemplateName[], template: TemplateName): TemplateName[] =>
  handled.includes(template) ? handled : [...handled, template];
