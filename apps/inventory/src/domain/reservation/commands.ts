import type { Command } from '../command.js';
import type { Shortage, StockLine } from '../stock-line.js';

export type ReservationCommand = RecordReservation | RecordRefusal | RecordRelease;

export type RecordReservation = Command<
  'RecordReservation',
  { orderId: string; lines: readonly StockLine[] }
>;
export type RecordRefusal = Command<'RecordRefusal', { orderId: string; shortages: readonly Shortage[] }>;
export type RecordRelease = Command<'RecordRelease', { orderId: string }>;
