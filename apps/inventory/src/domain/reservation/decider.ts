import type { Decider } from '@acme/event-store';
import type { ReservationCommand } from './commands.js';
import { decideReservation } from './decide.js';
import { reservationEventTypes, type ReservationEvent } from './events.js';
import { evolveReservation, initialReservationState, type ReservationState } from './state.js';

/** One order's reservation per stream (`reservationStreamId(orderId)`); at most two events each. */
export const reservationDecider: Decider<ReservationState, ReservationCommand, ReservationEvent> = {
  streamType: 'reservation',
  eventTypes: reservationEventTypes,
  initialState: initialReservationState,
  evolve: evolveReservation,
  decide: decideReservation,
};

export const reservationStreamId = (orderId: string): string => `reservation-${orderId}`;
