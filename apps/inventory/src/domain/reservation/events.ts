import type { Event } from '@acme/event-store';
import type { Shortage, StockLine } from '../stock-line.js';

/**
 * The events of one order's reservation stream (`reservation-<orderId>`): inventory's answer to the
 * order, appended in the same transaction as the SKU events it sums up. These are what inventory
 * publishes: ReservationMade → StockReserved, ReservationRefused → StockInsufficient,
 * ReservationReleased with lines → StockReleased (one with no lines publishes nothing).
 */
export type ReservationEvent = ReservationMade | ReservationRefused | ReservationReleased;

/** Every line of the order is held, per SKU (same-SKU lines summed), sorted by SKU. */
export type ReservationMade = Event<
  'ReservationMade',
  { orderId: string; lines: readonly StockLine[]; reservedAt: number }
>;

/** Some line could not be held, so none is. */
export type ReservationRefused = Event<
  'ReservationRefused',
  { orderId: string; shortages: readonly Shortage[]; refusedAt: number }
>;

/**
 * The order was cancelled and its lines given back. `lines` is empty when the cancellation came
 * before any reservation: the event then stands as a tombstone, so an OrderPlaced seen later (e.g.
 * replayed from a dead-letter topic) does not hold stock for a dead order.
 */
export type ReservationReleased = Event<
  'ReservationReleased',
  { orderId: string; lines: readonly StockLine[]; releasedAt: number }
>;

export const reservationEventTypes = [
  'ReservationMade',
  'ReservationRefused',
  'ReservationReleased',
] as const satisfies readonly ReservationEvent['type'][];
