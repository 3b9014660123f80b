import { assertNever, type Command, type Decider } from '@acme/event-store';
import { notificationDedupeKey } from './dedupe.js';
import { InvalidNotificationCommandError, UnknownNotificationError } from './errors.js';
import {
  evolveNotification,
  initialNotificationState,
  notificationEventTypes,
  type DeferredFact,
  type NotificationEvent,
  type NotificationRequest,
  type NotificationState,
  type OrderContact,
} from './notification.js';
import { oneLine } from './templates/layout.js';
import type { CancellationReason, Notification, OrderLine } from './templates/types.js';

export type { Command };

/** `eventId` is the id of the integration event (CloudEvents `id`) the command comes from. */
export type NotificationCommand =
  | Command<
      'OrderPlaced',
      {
        eventId: string;
        orderId: string;
        customer: { id: string; email: string; name: string | null };
        lines: OrderLine[];
        currency: string;
        totalMinor: number;
      }
    >
  | Command<'OrderConfirmed', { eventId: string; orderId: string }>
  | Command<
      'OrderCancelled',
      { eventId: string; orderId: string; reason: CancellationReason; detail: string | null }
    >
  | Command<'OrderShipped', { eventId: string; orderId: string }>
  /** The sender handed the e-mail to the SMTP server. */
  | Command<'RecordSent', { dedupeKey: string }>;

export function decideNotification(
  command: NotificationCommand,
  state: NotificationState,
): NotificationEvent[] {
  switch (command.type) {
    case 'OrderPlaced':
      return orderPlaced(command, state);
    case 'OrderConfirmed':
      return laterFact(command, { template: 'order-confirmed' }, state);
    case 'OrderCancelled': {
      const { reason, detail } = command.data;
      return laterFact(command, { template: 'order-cancelled', reason, detail }, state);
    }
    case 'OrderShipped':
      return laterFact(command, { template: 'order-shipped' }, state);
    case 'RecordSent':
      return recordSent(command, state);
    default:
      return assertNever(command);
  }
}

/**
 * The e-mails of one order, stream `notification-<orderId>`.
 *
 * @example
 *   const { events } = await handleCommand(db, { decider: notificationDecider, streamId: notificationStreamId(orderId),
 *     command: { type: 'OrderShipped', data: { eventId: ce.id, orderId }, metadata: { now: Date.now() } } });
 */
export const notificationDecider: Decider<NotificationState, NotificationCommand, NotificationEvent> = {
  streamType: 'notification',
  eventTypes: notificationEventTypes,
  initialState: initialNotificationState,
  evolve: evolveNotification,
  decide: decideNotification,
};

export const notificationStreamId = (orderId: string): string => `notification-${orderId}`;

/** E-mails requested and not yet recorded as sent, oldest first: what a sender (or its sweeper) still owes. */
export const outstandingNotifications = (state: NotificationState): readonly NotificationRequest[] =>
  state.outstanding;

type CommandOf<T extends NotificationCommand['type']> = Extract<NotificationCommand, { type: T }>;

// No whitespace or control characters (they would break the SMTP envelope and headers), one '@'.
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u;

function orderPlaced(
  { data, metadata }: CommandOf<'OrderPlaced'>,
  state: NotificationState,
): NotificationEvent[] {
  requireText('eventId', data.eventId);
  requireText('orderId', data.orderId);
  const email = data.customer.email.trim();
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new InvalidNotificationCommandError(`cannot send e-mail to "${data.customer.email}"`);
  }
  if (state.contact) return []; // OrderPlaced redelivered: its e-mail was requested the first time.

  const name = data.customer.name === null ? '' : oneLine(data.customer.name);
  const { orderId, lines, currency, totalMinor } = data;
  const learned: NotificationEvent = {
    type: 'ContactLearned',
    data: {
      orderId,
      customerId: data.customer.id,
      email,
      name: name === '' ? null : name,
      lines,
      currency,
      totalMinor,
      learnedAt: metadata.now,
    },
  };
  const contact: OrderContact = {
    orderId,
    customerId: data.customer.id,
    recipient: { email, name: name === '' ? null : name },
    lines,
    currency,
    totalMinor,
  };
  const placed: Notification = {
    template: 'order-placed',
    data: { orderId, customerName: contact.recipient.name, lines, currency, totalMinor },
  };
  // The "received" e-mail first, then whatever arrived early, in arrival order.
  return [
    learned,
    request(contact, data.eventId, placed, metadata.now),
    ...state.deferred.map((d) =>
      request(contact, d.eventId, notificationOf(d.fact, contact, state), metadata.now),
    ),
  ];
}

function laterFact(
  { data, metadata }: CommandOf<'OrderConfirmed' | 'OrderCancelled' | 'OrderShipped'>,
  fact: DeferredFact,
  state: NotificationState,
): NotificationEvent[] {
  requireText('eventId', data.eventId);
  if (state.handled.includes(fact.template)) return []; // redelivered
  if (!state.contact) {
    return [
      { type: 'NotificationDeferred', data: { eventId: data.eventId, fact, deferredAt: metadata.now } },
    ];
  }
  return [request(state.contact, data.eventId, notificationOf(fact, state.contact, state), metadata.now)];
}

function recordSent(
  { data, metadata }: CommandOf<'RecordSent'>,
  state: NotificationState,
): NotificationEvent[] {
  if (state.sent.includes(data.dedupeKey)) return []; // recorded twice
  if (!state.outstanding.some((n) => n.dedupeKey === data.dedupeKey)) {
    throw new UnknownNotificationError(data.dedupeKey);
  }
  return [{ type: 'NotificationSent', data: { dedupeKey: data.dedupeKey, sentAt: metadata.now } }];
}

function notificationOf(fact: DeferredFact, contact: OrderContact, state: NotificationState): Notification {
  const { orderId, currency, totalMinor } = contact;
  const customerName = contact.recipient.name;
  switch (fact.template) {
    case 'order-confirmed':
      return { template: fact.template, data: { orderId, customerName, currency, totalMinor } };
    case 'order-cancelled': {
      // Confirmed means paid: order.events are ordered per order, so a confirmation comes before the cancel.
      const charged = state.handled.includes('order-confirmed');
      const refund = charged ? { amountMinor: totalMinor, currency } : null;
      const { reason, detail } = fact;
      return { template: fact.template, data: { orderId, customerName, reason, detail, refund } };
    }
    case 'order-shipped':
      return { template: fact.template, data: { orderId, customerName } };
    default:
      return assertNever(fact);
  }
}

function request(
  contact: OrderContact,
  eventId: string,
  notification: Notification,
  now: number,
): NotificationEvent {
  return {
    type: 'NotificationRequested',
    data: {
      eventId,
      dedupeKey: notificationDedupeKey(eventId, contact.recipient.email),
      recipient: contact.recipient,
      requestedAt: now,
      ...notification,
    },
  };
}

function requireText(field: string, value: string): void {
  if (value.trim() === '') throw new InvalidNotificationCommandError(`${field} must not be empty`);
}
