import { assertNever } from '../command.js';
import type { ReservationCommand } from './commands.js';
import type { ReservationEvent } from './events.js';
import type { ReservationState } from './state.js';

/**
 * Inventory answers an order once: the first reservation or refusal stands and repeats are no-ops.
 * Releasing gives back what was reserved; releasing an order never answered leaves a tombstone.
 */
export function decideReservation(command: ReservationCommand, state: ReservationState): ReservationEvent[] {
  const { now } = command.metadata;
  const { orderId } = command.data;
  switch (command.type) {
    case 'RecordReservation':
      if (state.status !== 'none') return [];
      return [{ type: 'ReservationMade', data: { orderId, lines: command.data.lines, reservedAt: now } }];
    case 'RecordRefusal':
      if (state.status !== 'none') return [];
      return [
        { type: 'ReservationRefused', data: { orderId, shortages: command.data.shortages, refusedAt: now } },
      ];
    case 'RecordRelease':
      if (state.status === 'reserved') {
        return [{ type: 'ReservationReleased', data: { orderId, lines: state.lines, releasedAt: now } }];
      }
      if (state.status === 'none') {
        return [{ type: 'ReservationReleased', data: { orderId, lines: [], releasedAt: now } }];
      }
      return [];
    default:
      return assertNever(command, 'reservation command');
  }
}
