/**
 * The order domain: one pure decider over the stream `order-<orderId>`. No I/O, no clock, no ids —
 * the application loads the stream, calls `decide` with a command carrying `metadata.now`, and
 * appends the events (plus the outbox) in one transaction.
 *
 * Lifecycle: placed → reserved → confirmed → shipped, or → cancelled (stock-insufficient,
 * payment-failed, customer-request, timeout). The charge may overtake the reservation; the order
 * confirms when it has both, in either order.
 */
export type { Command, CommandMetadata } from './command.js';
export type {
  CancelOrder,
  ExpireOrder,
  OrderCommand,
  OrderLineInput,
  PlaceOrder,
  RecordPaymentCharged,
  RecordPaymentFailed,
  RecordStockInsufficient,
  RecordStockReserved,
  Shortage,
  ShipOrder,
} from './commands.js';
export { decide } from './decide.js';
export { orderDecider, orderStreamId } from './decider.js';
export {
  OrderAlreadyExistsError,
  OrderAlreadyShippedError,
  OrderDeadlineNotReachedError,
  OrderError,
  OrderNotConfirmedError,
  OrderNotFoundError,
  OrderValidationError,
} from './errors.js';
export {
  cancellationReasons,
  orderEventTypes,
  type AdditionalPaymentReceived,
  type CancellationReason,
  type Customer,
  type OrderCancelled,
  type OrderConfirmed,
  type OrderEvent,
  type OrderEventType,
  type OrderLine,
  type OrderPlaced,
  type OrderShipped,
  type PaymentCharged,
  type PaymentReceivedAfterCancellation,
  type StockReserved,
} from './events.js';
export {
  evolve,
  initialOrderState,
  type Cancellation,
  type NoOrder,
  type Order,
  type OrderState,
  type OrderStatus,
  type ReceivedPayment,
  type UnappliedPayment,
} from './state.js';
export { orderLimits, orderTotal, validatePlaceOrder, type FieldError } from './validation.js';
