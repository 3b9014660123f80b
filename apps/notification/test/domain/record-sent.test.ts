import { deciderSpec } from '@acme/testing/decider-spec';
import { notificationDecider, UnknownNotificationError } from '../../src/domain/index.js';
import { cmd, EMAIL, ev, histories, ID } from './fixtures.js';

const spec = deciderSpec(notificationDecider);

describe('RecordSent', () => {
  it('records an outstanding e-mail as sent', () => {
    spec
      .given(histories.placed)
      .when(cmd.sent(`${ID.placed}:${EMAIL}`))
      .then([ev.sent(ID.placed)]);
  });

  it('ignores a second record of the same send', () => {
    spec
      .given(histories.allSent)
      .when(cmd.sent(`${ID.shipped}:${EMAIL}`))
      .thenNothing();
  });

  it.each([
    ['never requested', `evt-nope:${EMAIL}`],
    ['another recipient', `${ID.placed}:someone@example.com`],
  ])('refuses an e-mail that was %s', (_name, dedupeKey) => {
    spec
      .given(histories.placed)
      .when(cmd.sent(dedupeKey))
      .thenThrows(UnknownNotificationError, /was requested/);
  });

  it('refuses a send before anything was requested (deferred only)', () => {
    spec
      .given(histories.confirmedEarly)
      .when(cmd.sent(`${ID.confirmed}:${EMAIL}`))
      .thenThrows(UnknownNotificationError);
  });
});
