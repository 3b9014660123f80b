import { deciderSpec } from '@acme/testing/decider-spec';
import {
  evolveNotification,
  initialNotificationState,
  InvalidNotificationCommandError,
  notificationDecider,
} from '../../src/domain/index.js';
import { cmd, ev, histories, ID, notifications, ORDER_ID, rows } from './fixtures.js';

const spec = deciderSpec(notificationDecider);

describe('OrderConfirmed', () => {
  it('requests the confirmation with the amount paid', () => {
    spec
      .given(histories.placed)
      .when(cmd.confirmed())
      .then([ev.requested(ID.confirmed, notifications.confirmed())]);
  });

  it('is deferred, not dropped, when it overtakes OrderPlaced', () => {
    spec.given(histories.fresh).when(cmd.confirmed()).then([ev.deferredConfirmed()]);
  });

  it.each(rows('confirmed', 'cancelledPaid', 'shipped', 'allSent', 'confirmedEarly'))(
    'is one e-mail per order, even redelivered under another id (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.confirmed()).thenNothing();
      spec.given(history).when(cmd.confirmed('evt-other')).thenNothing();
    },
  );

  it('refuses an empty event id', () => {
    spec
      .given(histories.placed)
      .when(cmd.confirmed(' '))
      .thenThrows(InvalidNotificationCommandError, /eventId/);
  });
});

describe('OrderCancelled', () => {
  it('mentions no refund when nothing was charged', () => {
    spec
      .given(histories.placed)
      .when(cmd.cancelled())
      .then([ev.requested(ID.cancelled, notifications.cancelled(false))]);
  });

  it('mentions the refund of the total once the order was confirmed (paid)', () => {
    spec
      .given(histories.confirmed)
      .when(cmd.cancelled())
      .then([ev.requested(ID.cancelled, notifications.cancelled(true))]);
  });

  it('carries the reason and the detail to the template', () => {
    const [event] = notificationDecider.decide(
      cmd.cancelled('PAYMENT_FAILED', 'Card declined'),
      histories.placed.reduce(evolveNotification, initialNotificationState()),
    );
    expect(event).toMatchObject({
      type: 'NotificationRequested',
      data: {
        template: 'order-cancelled',
        data: { orderId: ORDER_ID, reason: 'PAYMENT_FAILED', detail: 'Card declined', refund: null },
      },
    });
  });

  it('is deferred when it overtakes OrderPlaced', () => {
    spec.given(histories.fresh).when(cmd.cancelled()).then([ev.deferredCancelled()]);
  });

  it.each(rows('cancelledUnpaid', 'cancelledPaid', 'cancelledEarly'))(
    'is one e-mail per order (%s)',
    (_n, history) => {
      spec.given(history).when(cmd.cancelled()).thenNothing();
    },
  );
});

describe('OrderShipped', () => {
  it('requests the shipping e-mail', () => {
    spec
      .given(histories.confirmed)
      .when(cmd.shipped())
      .then([ev.requested(ID.shipped, notifications.shipped())]);
  });

  it('is deferred when it overtakes OrderPlaced', () => {
    spec.given(histories.confirmedEarly).when(cmd.shipped()).then([ev.deferredShipped()]);
  });

  it.each(rows('shipped', 'allSent', 'confirmedAndShippedEarly'))(
    'is one e-mail per order (%s)',
    (_n, history) => {
      spec.given(history).when(cmd.shipped()).thenNothing();
    },
  );
});
