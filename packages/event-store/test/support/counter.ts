import type { Decider, Event } from '../../src/index.js';

/** A tiny decider for the tests: a counter that adds positive numbers and can be reset. */
export type CounterEvent = Event<'Added', { n: number }> | Event<'Reset', { at: string }>;
export type CounterCommand = { type: 'Add'; n: number } | { type: 'Reset'; at: string } | { type: 'Noop' };
export interface CounterState {
  total: number;
  adds: number;
}

export class NotPositiveError extends Error {
  override readonly name = 'NotPositiveError';
}

export const counter: Decider<CounterState, CounterCommand, CounterEvent> = {
  streamType: 'counter',
  eventTypes: ['Added', 'Reset'],
  initialState: () => ({ total: 0, adds: 0 }),
  evolve(state, event) {
    switch (event.type) {
      case 'Added':
        return { total: state.total + event.data.n, adds: state.adds + 1 };
      case 'Reset':
        return { total: 0, adds: state.adds };
    }
  },
  decide(command) {
    switch (command.type) {
      case 'Add':
        if (command.n <= 0) throw new NotPositiveError(`cannot add ${command.n}`);
        return [{ type: 'Added', data: { n: command.n } }];
      case 'Reset':
        return [{ type: 'Reset', data: { at: command.at } }];
      case 'Noop':
        return [];
    }
  },
};

export const added = (n: number): CounterEvent => ({ type: 'Added', data: { n } });
