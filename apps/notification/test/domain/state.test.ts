import {
  evolveNotification,
  initialNotificationState,
  notificationDecider,
  notificationDedupeKey,
  notificationStreamId,
  outstandingNotifications,
  type NotificationCommand,
  type NotificationEvent,
  type NotificationState,
} from '../../src/domain/index.js';
import { cmd, EMAIL, histories, ID } from './fixtures.js';

const fold = (events: readonly NotificationEvent[]): NotificationState =>
  events.reduce(evolveNotification, initialNotificationState());

function run(commands: NotificationCommand[]): NotificationEvent[] {
  let state = initialNotificationState();
  const stream: NotificationEvent[] = [];
  for (const command of commands) {
    const events = notificationDecider.decide(command, state);
    state = events.reduce(evolveNotification, state);
    stream.push(...events);
  }
  return stream;
}

describe('notification state', () => {
  it('keys each e-mail by event and recipient', () => {
    expect(notificationDedupeKey('evt-1', 'ana@example.com')).toBe('evt-1:ana@example.com');
    expect(notificationStreamId('o-1')).toBe('notification-o-1');
    expect(notificationDecider.streamType).toBe('notification');
  });

  it('lists what is still owed, oldest first, until recorded as sent', () => {
    expect(outstandingNotifications(fold(histories.shipped)).map((n) => n.dedupeKey)).toEqual([
      `${ID.placed}:${EMAIL}`,
      `${ID.confirmed}:${EMAIL}`,
      `${ID.shipped}:${EMAIL}`,
    ]);
    expect(outstandingNotifications(fold(histories.allSent))).toEqual([]);
  });

  it('empties the deferred list once the contact is known', () => {
    const state = fold(run([cmd.shipped(), cmd.confirmed(), cmd.placed()]));
    expect(state.deferred).toEqual([]);
    expect(state.handled).toEqual(['order-shipped', 'order-confirmed', 'order-placed']);
  });

  it.each(Object.entries(histories))('survives a JSON snapshot (%s)', (_name, history) => {
    const state = fold(history);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('notification scenarios', () => {
  const templates = (stream: NotificationEvent[]) =>
    stream.flatMap((e) => (e.type === 'NotificationRequested' ? [e.data.template] : []));

  it('the lifecycle sends one e-mail per fact, whatever the redeliveries', () => {
    const once = run([cmd.placed(), cmd.confirmed(), cmd.shipped()]);
    const redelivered = run([
      cmd.placed(),
      cmd.placed(),
      cmd.confirmed(),
      cmd.confirmed(),
      cmd.shipped(),
      cmd.placed(),
      cmd.shipped(),
    ]);
    expect(redelivered).toEqual(once);
    expect(templates(once)).toEqual(['order-placed', 'order-confirmed', 'order-shipped']);
  });

  it('facts out of order across topics: nothing is lost, the "received" e-mail comes first', () => {
    const stream = run([cmd.confirmed(), cmd.cancelled(), cmd.cancelled(), cmd.placed(), cmd.confirmed()]);
    expect(templates(stream)).toEqual(['order-placed', 'order-confirmed', 'order-cancelled']);
  });
});
