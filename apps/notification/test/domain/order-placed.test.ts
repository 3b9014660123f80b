import { deciderSpec } from '@acme/testing/decider-spec';
import { InvalidNotificationCommandError, notificationDecider } from '../../src/domain/index.js';
import { cmd, ev, histories, ID, notifications, rows } from './fixtures.js';

const spec = deciderSpec(notificationDecider);

describe('OrderPlaced', () => {
  it('learns the contact and requests the "received" e-mail', () => {
    spec
      .given(histories.fresh)
      .when(cmd.placed())
      .then([ev.learned(), ev.requested(ID.placed, notifications.placed())]);
  });

  it('then requests the e-mails that arrived before it, in arrival order', () => {
    spec
      .given(histories.confirmedAndShippedEarly)
      .when(cmd.placed())
      .then([
        ev.learned(),
        ev.requested(ID.placed, notifications.placed()),
        ev.requested(ID.confirmed, notifications.confirmed()),
        ev.requested(ID.shipped, notifications.shipped()),
      ]);
  });

  it('mentions the refund in a deferred cancellation when the deferred confirmation said it was paid', () => {
    spec
      .given([ev.deferredConfirmed(), ev.deferredCancelled()])
      .when(cmd.placed())
      .then([
        ev.learned(),
        ev.requested(ID.placed, notifications.placed()),
        ev.requested(ID.confirmed, notifications.confirmed()),
        ev.requested(ID.cancelled, notifications.cancelled(true)),
      ]);
  });

  it('sends a deferred cancellation of an unpaid order without a refund', () => {
    spec
      .given(histories.cancelledEarly)
      .when(cmd.placed())
      .then([
        ev.learned(),
        ev.requested(ID.placed, notifications.placed()),
        ev.requested(ID.cancelled, notifications.cancelled(false)),
      ]);
  });

  it.each(rows('placed', 'confirmed', 'cancelledPaid', 'shipped', 'allSent'))(
    'is requested once: a redelivered OrderPlaced does nothing (%s)',
    (_name, history) => {
      spec.given(history).when(cmd.placed()).thenNothing();
    },
  );

  it('addresses a customer without a name; a blank or multi-line name is normalised', () => {
    const [learned] = notificationDecider.decide(
      cmd.placed({ id: 'c-1', email: 'bo@example.com', name: null }),
      {
        ...notificationDecider.initialState(),
      },
    );
    expect(learned).toMatchObject({ type: 'ContactLearned', data: { email: 'bo@example.com', name: null } });
    const [blank] = notificationDecider.decide(
      cmd.placed({ id: 'c-1', email: ' bo@example.com ', name: '  ' }),
      notificationDecider.initialState(),
    );
    expect(blank).toMatchObject({ data: { email: 'bo@example.com', name: null } });
    const [multiLine] = notificationDecider.decide(
      cmd.placed({ id: 'c-1', email: 'bo@example.com', name: 'Bo\r\nBcc: x@evil.test' }),
      notificationDecider.initialState(),
    );
    expect(multiLine).toMatchObject({ data: { name: 'Bo Bcc: x@evil.test' } });
  });

  it.each([
    ['an empty address', ''],
    ['no @', 'ana.example.com'],
    ['two @', 'ana@b@example.com'],
    ['a header injection', 'ana@example.com\r\nBcc: x@evil.test'],
    ['spaces inside', 'ana maria@example.com'],
    ['an over-long address', `${'a'.repeat(250)}@example.com`],
  ])('refuses to write to %s', (_name, email) => {
    spec
      .given(histories.fresh)
      .when(cmd.placed({ id: 'c-1', email, name: null }))
      .thenThrows(InvalidNotificationCommandError, /cannot send e-mail/);
  });

  it('refuses an empty event id', () => {
    const command = cmd.placed();
    spec
      .given(histories.fresh)
      .when({ ...command, data: { ...command.data, eventId: '' } })
      .thenThrows(InvalidNotificationCommandError, /eventId/);
  });
});
