import type { FieldError } from './validation.js';

/**
 * Errors the inventory deciders throw on purpose; `retriable` says whether the same command could
 * succeed later, as the platform's other errors do.
 */
export abstract class InventoryError extends Error {
  abstract readonly retriable: boolean;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command with malformed input (HTTP 400 at the admin endpoint; dead-lettered as a message). */
export class InventoryValidationError extends InventoryError {
  readonly retriable = false;

  constructor(readonly errors: readonly FieldError[]) {
    super(`invalid stock command: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  }
}

/**
 * The SKU cannot hold this reservation. The application plans before it reserves
 * (`planReservation`), so this is the last guard against overselling, not the normal way to learn
 * of a shortage.
 */
export class InsufficientStockError extends InventoryError {
  readonly retriable = false;

  constructor(
    readonly sku: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`sku ${sku}: requested ${requested}, available ${available}`);
  }
}

/** The order already holds a different quantity of this SKU; reservations are never resized. */
export class ReservationMismatchError extends InventoryError {
  readonly retriable = false;

  constructor(
    readonly sku: string,
    readonly orderId: string,
    readonly held: number,
    readonly requested: number,
  ) {
    super(`sku ${sku}: order ${orderId} already holds ${held}, cannot reserve ${requested}`);
  }
}
