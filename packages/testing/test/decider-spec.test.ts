import { deciderSpec } from '../src/decider-spec.js';

type Event = { type: 'Opened' } | { type: 'Closed' };
type Command = { type: 'Open' } | { type: 'Close' };
class AlreadyClosedError extends Error {}

type State = 'absent' | 'open' | 'closed';

const door = {
  initialState: (): State => 'absent',
  evolve: (_state: State, event: Event): State => (event.type === 'Opened' ? 'open' : 'closed'),
  decide: (command: Command, state: State): Event[] => {
    if (command.type === 'Open') return state === 'open' ? [] : [{ type: 'Opened' }];
    if (state === 'closed') throw new AlreadyClosedError('the door is already closed');
    return [{ type: 'Closed' }];
  },
};

const spec = deciderSpec(door);

describe('deciderSpec', () => {
  it('folds the given events, then decides', () => {
    spec
      .given([])
      .when({ type: 'Open' })
      .then([{ type: 'Opened' }]);
    spec
      .given([{ type: 'Opened' }])
      .when({ type: 'Close' })
      .then([{ type: 'Closed' }]);
    spec
      .given([{ type: 'Opened' }])
      .when({ type: 'Open' })
      .thenNothing();
    spec
      .given([{ type: 'Opened' }, { type: 'Closed' }])
      .when({ type: 'Close' })
      .thenThrows(AlreadyClosedError, /already closed/);
  });

  it('fails when the decision differs', () => {
    expect(() => {
      spec
        .given([])
        .when({ type: 'Open' })
        .then([{ type: 'Closed' }]);
    }).toThrow();
    expect(() => {
      spec.given([]).when({ type: 'Open' }).thenThrows(AlreadyClosedError);
    }).toThrow();
  });
});
