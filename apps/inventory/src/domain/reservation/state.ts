import { assertNever } from '../command.js';
import type { Shortage, StockLine } from '../stock-line.js';
import type { ReservationEvent } from './events.js';

/** What inventory did for one order; the first answer stands. */
export type ReservationState =
  | { status: 'none' }
  | { status: 'reserved'; orderId: string; lines: readonly StockLine[]; reservedAt: number }
  | { status: 'refused'; orderId: string; shortages: readonly Shortage[]; refusedAt: number }
  | { status: 'released'; orderId: string; lines: readonly StockLine[]; releasedAt: number };

export const initialReservationState = (): ReservationState => ({ status: 'none' });

export function evolveReservation(_state: ReservationState, event: ReservationEvent): ReservationState {
  switch (event.type) {
    case 'ReservationMade':
      return { status: 'reserved', ...event.data };
    case 'ReservationRefused':
      return { status: 'refused', ...event.data };
    case 'ReservationReleased':
      return { status: 'released', ...event.data };
    default:
      return assertNever(event, 'reservation event');
  }
}
