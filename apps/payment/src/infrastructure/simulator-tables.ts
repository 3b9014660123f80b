import type { ColumnType, Generated } from 'kysely';

/** Amounts are `bigint` columns: read as `bigint` (see `@acme/postgres` connect), written as numbers. */
type Amount = ColumnType<bigint | string, number, never>;

/** `charge` calls per idempotency key. */
export interface SimulatorCallsTable {
  idempotency_key: string;
  calls: number;
}

/** One charge per idempotency key, with the result first given. */
export interface SimulatorChargesTable {
  idempotency_key: string;
  amount_minor: Amount;
  currency: string;
  token: string;
  status: 'succeeded' | 'declined' | 'pending';
  /** Set unless declined. */
  provider_payment_id: string | null;
  /** Set when declined. */
  decline_code: string | null;
  decline_reason: string | null;
  money_moved: boolean;
  created_at: Generated<Date>;
}

/** The webhook an asynchronous charge owes. */
export interface SimulatorConfirmationsTable {
  provider_payment_id: string;
  outcome: 'succeeded' | 'failed';
  created_at: Generated<Date>;
  delivered_at: Date | null;
}

/** One refund per idempotency key and per provider payment. */
export interface SimulatorRefundsTable {
  idempotency_key: string;
  provider_payment_id: string;
  amount_minor: Amount;
  currency: string;
  provider_refund_id: string;
  created_at: Generated<Date>;
}

/** The provider simulator's tables, in their own `provider_simulator` schema. */
export interface SimulatorTables {
  'provider_simulator.calls': SimulatorCallsTable;
  'provider_simulator.charges': SimulatorChargesTable;
  'provider_simulator.confirmations': SimulatorConfirmationsTable;
  'provider_simulator.refunds': SimulatorRefundsTable;
}
