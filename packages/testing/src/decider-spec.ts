/**
 * Given/when/then for pure deciders: business rules read as business rules, with no I/O.
 *
 * @example
 *   const spec = deciderSpec(orderDecider);
 *   spec.given([orderPlaced]).when(cancelOrder).then([orderCancelled]);
 *   spec.given([orderCancelled]).when(shipOrder).thenThrows(OrderNotConfirmedError, /cancelled/);
 */
import { expect } from '@jest/globals';

export interface PureDecider<State, Command, Event> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

export interface DeciderSpec<Command, Event> {
  given(events: readonly Event[]): {
    when(command: Command): {
      then(expected: readonly Event[]): void;
      thenNothing(): void;
      thenThrows(error: new (...args: never[]) => Error, message?: RegExp | string): void;
    };
  };
}

export function deciderSpec<State, Command, Event>(
  decider: PureDecider<State, Command, Event>,
): DeciderSpec<Command, Event> {
  return {
    given: (events) => ({
      when: (command) => {
        const decide = () =>
          decider.decide(
            command,
            events.reduce((state, event) => decider.evolve(state, event), decider.initialState()),
          );
        return {
          then: (expected) => {
            expect(decide()).toEqual(expected);
          },
          thenNothing: () => {
            expect(decide()).toEqual([]);
          },
          thenThrows: (error, message) => {
            expect(decide).toThrow(error);
            if (message !== undefined) expect(decide).toThrow(message);
          },
        };
      },
    }),
  };
}
