import type {
  CancellationReason,
  Notification,
  NotificationCommand,
  NotificationEvent,
} from '../../src/domain/index.js';

export const ORDER_ID = 'order-1';
export const EMAIL = 'ana@example.com';
export const NAME = 'Ana';
export const NOW = 1_700_000_000_000;
export const LINES = [{ sku: 'MUG-1', quantity: 2, unitPriceMinor: 1050 }];
export const CURRENCY = 'EUR';
export const TOTAL = 2100;
export const RECIPIENT = { email: EMAIL, name: NAME };

/** Event ids of the integration events, one per lifecycle fact. */
export const ID = {
  placed: 'evt-placed',
  confirmed: 'evt-confirmed',
  cancelled: 'evt-cancelled',
  shipped: 'evt-shipped',
} as const;

const meta = { metadata: { now: NOW } };

export const cmd = {
  placed: (
    customer: { id: string; email: string; name: string | null } = { id: 'c-1', email: EMAIL, name: NAME },
  ) =>
    ({
      type: 'OrderPlaced',
      data: {
        eventId: ID.placed,
        orderId: ORDER_ID,
        customer,
        lines: LINES,
        currency: CURRENCY,
        totalMinor: TOTAL,
      },
      ...meta,
    }) satisfies NotificationCommand,
  confirmed: (eventId: string = ID.confirmed): NotificationCommand => ({
    type: 'OrderConfirmed',
    data: { eventId, orderId: ORDER_ID },
    ...meta,
  }),
  cancelled: (
    reason: CancellationReason = 'CUSTOMER_REQUEST',
    detail: string | null = null,
  ): NotificationCommand => ({
    type: 'OrderCancelled',
    data: { eventId: ID.cancelled, orderId: ORDER_ID, reason, detail },
    ...meta,
  }),
  shipped: (): NotificationCommand => ({
    type: 'OrderShipped',
    data: { eventId: ID.shipped, orderId: ORDER_ID },
    ...meta,
  }),
  sent: (dedupeKey: string): NotificationCommand => ({ type: 'RecordSent', data: { dedupeKey }, ...meta }),
};

export const notifications = {
  placed: (): Notification => ({
    template: 'order-placed',
    data: { orderId: ORDER_ID, customerName: NAME, lines: LINES, currency: CURRENCY, totalMinor: TOTAL },
  }),
  confirmed: (): Notification => ({
    template: 'order-confirmed',
    data: { orderId: ORDER_ID, customerName: NAME, currency: CURRENCY, totalMinor: TOTAL },
  }),
  cancelled: (refunded: boolean, reason: CancellationReason = 'CUSTOMER_REQUEST'): Notification => ({
    template: 'order-cancelled',
    data: {
      orderId: ORDER_ID,
      customerName: NAME,
      reason,
      detail: null,
      refund: refunded ? { amountMinor: TOTAL, currency: CURRENCY } : null,
    },
  }),
  shipped: (): Notification => ({
    template: 'order-shipped',
    data: { orderId: ORDER_ID, customerName: NAME },
  }),
};

export const ev = {
  learned: (): NotificationEvent => ({
    type: 'ContactLearned',
    data: {
      orderId: ORDER_ID,
      customerId: 'c-1',
      email: EMAIL,
      name: NAME,
      lines: LINES,
      currency: CURRENCY,
      totalMinor: TOTAL,
      learnedAt: NOW,
    },
  }),
  requested: (eventId: string, notification: Notification): NotificationEvent => ({
    type: 'NotificationRequested',
    data: {
      eventId,
      dedupeKey: `${eventId}:${EMAIL}`,
      recipient: RECIPIENT,
      requestedAt: NOW,
      ...notification,
    },
  }),
  deferredConfirmed: (): NotificationEvent => ({
    type: 'NotificationDeferred',
    data: { eventId: ID.confirmed, fact: { template: 'order-confirmed' }, deferredAt: NOW },
  }),
  deferredCancelled: (): NotificationEvent => ({
    type: 'NotificationDeferred',
    data: {
      eventId: ID.cancelled,
      fact: { template: 'order-cancelled', reason: 'CUSTOMER_REQUEST', detail: null },
      deferredAt: NOW,
    },
  }),
  deferredShipped: (): NotificationEvent => ({
    type: 'NotificationDeferred',
    data: { eventId: ID.shipped, fact: { template: 'order-shipped' }, deferredAt: NOW },
  }),
  sent: (eventId: string): NotificationEvent => ({
    type: 'NotificationSent',
    data: { dedupeKey: `${eventId}:${EMAIL}`, sentAt: NOW },
  }),
};

const placed = [ev.learned(), ev.requested(ID.placed, notifications.placed())];
const confirmed = [...placed, ev.requested(ID.confirmed, notifications.confirmed())];

export const histories = {
  fresh: [],
  placed,
  confirmed,
  cancelledUnpaid: [...placed, ev.requested(ID.cancelled, notifications.cancelled(false))],
  cancelledPaid: [...confirmed, ev.requested(ID.cancelled, notifications.cancelled(true))],
  shipped: [...confirmed, ev.requested(ID.shipped, notifications.shipped())],
  allSent: [
    ...confirmed,
    ev.requested(ID.shipped, notifications.shipped()),
    ev.sent(ID.placed),
    ev.sent(ID.confirmed),
    ev.sent(ID.shipped),
  ],
  confirmedEarly: [ev.deferredConfirmed()],
  cancelledEarly: [ev.deferredCancelled()],
  confirmedAndShippedEarly: [ev.deferredConfirmed(), ev.deferredShipped()],
} satisfies Record<string, NotificationEvent[]>;

export type HistoryName = keyof typeof histories;

export const rows = (...names: HistoryName[]): [HistoryName, NotificationEvent[]][] =>
  names.map((name) => [name, histories[name]]);
