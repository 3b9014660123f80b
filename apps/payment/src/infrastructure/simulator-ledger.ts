import type { ChargeRequest, ChargeResult, RefundRequest, RefundResult } from '../domain/provider.js';

/**
 * What the provider simulator remembers — a real provider's records, which outlive our restarts and
 * are the same for every one of our instances. The simulator's rules (idempotency, refunds) are
 * decided in `ProviderSimulator`; a ledger only has to keep records with these atomic steps, so
 * that two instances racing on one key can never both move money.
 *
 * The service runs `PostgresSimulatorLedger`; pure unit tests may use an in-memory one.
 */
export interface SimulatorLedger {
  /** One more `charge` call under this key; the number of calls so far, this one included. */
  countCall(idempotencyKey: string): Promise<number>;
  /** How many `charge` calls were made under this key. */
  callsFor(idempotencyKey: string): Promise<number>;
  /** The charge this key made, if any. */
  findCharge(idempotencyKey: string): Promise<LedgerCharge | undefined>;
  /**
   * Keep `charge` (and its confirmation, in the same step) unless its key has one already. Answers
   * the charge the key holds afterwards, and whether it is the one given: of callers racing on a
   * key exactly one sees `created`.
   */
  addCharge(charge: LedgerCharge): Promise<{ charge: LedgerCharge; created: boolean }>;
  /** The charge that created this provider payment (succeeded or pending), if any. */
  findPayment(providerPaymentId: string): Promise<LedgerCharge | undefined>;
  /** The refund this key made, if any. */
  findRefund(idempotencyKey: string): Promise<LedgerRefund | undefined>;
  /**
   * Keep `refund` unless its key or its payment has a refund already. Answers the refund the key
   * holds afterwards: `undefined` when the payment was refunded under another key.
   */
  addRefund(refund: LedgerRefund): Promise<LedgerRefund | undefined>;
  /** How many refunds were made of this provider payment (0 or 1). */
  refundsFor(providerPaymentId: string): Promise<number>;
  /** Asynchronous payments whose webhook was not delivered yet, oldest first. */
  pendingConfirmations(): Promise<PendingConfirmation[]>;
  /** The webhook of this payment was delivered (nothing happens for an unknown payment). */
  markConfirmationDelivered(providerPaymentId: string): Promise<void>;
}

/** A charge as the provider recorded it. */
export interface LedgerCharge {
  request: ChargeRequest;
  result: ChargeResult;
  /** Whether money was taken: a success, or an asynchronous payment whose outcome is success. */
  moneyMoved: boolean;
  /** An asynchronous (pending) charge: the outcome its webhook will announce. */
  asyncOutcome?: PendingConfirmation['outcome'];
}

/** A refund as the provider recorded it. */
export interface LedgerRefund {
  request: RefundRequest;
  result: RefundResult;
}

/** What the provider's webhook will say about an asynchronous payment. */
export interface PendingConfirmation {
  providerPaymentId: string;
  /** The charge's idempotency key: the order id, so the webhook finds its payment stream. */
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  outcome: 'succeeded' | 'failed';
}
