import { sql, type Kysely, type Selectable } from 'kysely';
import type { ChargeResult } from '../domain/provider.js';
import type { LedgerCharge, LedgerRefund, PendingConfirmation, SimulatorLedger } from './simulator-ledger.js';
import type { SimulatorChargesTable, SimulatorRefundsTable, SimulatorTables } from './simulator-tables.js';

/**
 * The simulator's ledger in Postgres (schema `provider_simulator`, migration
 * 20261204_180000_provider_simulator). Races between instances are settled by the primary keys and
 * unique constraints — `INSERT … ON CONFLICT DO NOTHING`, then read what the key holds — never by
 * reading first and writing after. Statements run on `db` on their own, outside any caller's
 * transaction: a provider's records do not roll back with ours.
 *
 * @example
 *   const ledger = new PostgresSimulatorLedger(connect<SimulatorTables>({ url, database: 'payments' }));
 *   const simulator = new ProviderSimulator({ ledger });
 */
export class PostgresSimulatorLedger implements SimulatorLedger {
  constructor(private readonly db: Kysely<SimulatorTables>) {}

  async countCall(idempotencyKey: string): Promise<number> {
    const row = await this.db
      .insertInto('provider_simulator.calls')
      .values({ idempotency_key: idempotencyKey, calls: 1 })
      .onConflict((oc) =>
        oc
          .column('idempotency_key')
          .doUpdateSet((eb) => ({ calls: eb(eb.ref('provider_simulator.calls.calls'), '+', 1) })),
      )
      .returning('calls')
      .executeTakeFirstOrThrow();
    return row.calls;
  }

  async callsFor(idempotencyKey: string): Promise<number> {
    const row = await this.db
      .selectFrom('provider_simulator.calls')
      .select('calls')
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row?.calls ?? 0;
  }

  async findCharge(idempotencyKey: string): Promise<LedgerCharge | undefined> {
    const row = await this.charges().where('ch.idempotency_key', '=', idempotencyKey).executeTakeFirst();
    return row && toCharge(row);
  }

  async addCharge(charge: LedgerCharge): Promise<{ charge: LedgerCharge; created: boolean }> {
    const { request, result } = charge;
    const providerPaymentId = 'providerPaymentId' in result ? result.providerPaymentId : null;
    if ((result.status === 'pending') !== (charge.asyncOutcome !== undefined))
      throw new Error(`charge ${request.idempotencyKey}: an outcome to announce is for pending charges only`);
    // The confirmation commits with its charge: a crash cannot leave a pending charge that owes nothing.
    const created = await this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('provider_simulator.charges')
        .values({
          idempotency_key: request.idempotencyKey,
          amount_minor: request.amountMinor,
          currency: request.currency,
          token: request.token,
          status: result.status,
          provider_payment_id: providerPaymentId,
          decline_code: result.status === 'declined' ? result.code : null,
          decline_reason: result.status === 'declined' ? result.reason : null,
          money_moved: charge.moneyMoved,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('idempotency_key')
        .executeTakeFirst();
      if (inserted && providerPaymentId !== null && charge.asyncOutcome !== undefined) {
        await tx
          .insertInto('provider_simulator.confirmations')
          .values({
            provider_payment_id: providerPaymentId,
            outcome: charge.asyncOutcome,
            delivered_at: null,
          })
          .execute();
      }
      return inserted !== undefined;
    });
    if (created) return { charge, created };
    // Another call under this key got there first (it has committed: the insert waited for it).
    const kept = await this.findCharge(request.idempotencyKey);
    if (!kept) throw new Error(`charge ${request.idempotencyKey} is neither new nor stored`);
    return { charge: kept, created: false };
  }

  async findPayment(providerPaymentId: string): Promise<LedgerCharge | undefined> {
    const row = await this.charges()
      .where('ch.provider_payment_id', '=', providerPaymentId)
      .executeTakeFirst();
    return row && toCharge(row);
  }

  async findRefund(idempotencyKey: string): Promise<LedgerRefund | undefined> {
    const row = await this.db
      .selectFrom('provider_simulator.refunds')
      .selectAll()
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row && toRefund(row);
  }

  async addRefund(refund: LedgerRefund): Promise<LedgerRefund | undefined> {
    const { request, result } = refund;
    // Conflicts on the key (a repeat) or on the payment (a second refund): the key tells which.
    await this.db
      .insertInto('provider_simulator.refunds')
      .values({
        idempotency_key: request.idempotencyKey,
        provider_payment_id: request.providerPaymentId,
        amount_minor: request.amountMinor,
        currency: request.currency,
        provider_refund_id: result.providerRefundId,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return this.findRefund(request.idempotencyKey);
  }

  async refundsFor(providerPaymentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('provider_simulator.refunds')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('provider_payment_id', '=', providerPaymentId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async pendingConfirmations(): Promise<PendingConfirmation[]> {
    const rows = await this.db
      .selectFrom('provider_simulator.confirmations as co')
      .innerJoin('provider_simulator.charges as ch', 'ch.provider_payment_id', 'co.provider_payment_id')
      .select([
        'co.provider_payment_id',
        'co.outcome',
        'ch.idempotency_key',
        'ch.amount_minor',
        'ch.currency',
      ])
      .where('co.delivered_at', 'is', null)
      .orderBy('co.created_at')
      .orderBy('co.provider_payment_id')
      .execute();
    return rows.map((row) => ({
      providerPaymentId: row.provider_payment_id,
      idempotencyKey: row.idempotency_key,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      outcome: row.outcome,
    }));
  }

  async markConfirmationDelivered(providerPaymentId: string): Promise<void> {
    await this.db
      .updateTable('provider_simulator.confirmations')
      .set({ delivered_at: sql<Date>`now()` })
      .where('provider_payment_id', '=', providerPaymentId)
      .where('delivered_at', 'is', null)
      .execute();
  }

  private charges() {
    return this.db
      .selectFrom('provider_simulator.charges as ch')
      .leftJoin('provider_simulator.confirmations as co', 'co.provider_payment_id', 'ch.provider_payment_id')
      .selectAll('ch')
      .select('co.outcome');
  }
}

type ChargeRow = Selectable<SimulatorChargesTable> & { outcome: 'succeeded' | 'failed' | null };

function toCharge(row: ChargeRow): LedgerCharge {
  return {
    request: {
      idempotencyKey: row.idempotency_key,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      token: row.token,
    },
    result: toResult(row),
    moneyMoved: row.money_moved,
    ...(row.outcome === null ? {} : { asyncOutcome: row.outcome }),
  };
}

// The table's CHECK constraints make the nulls below impossible; the throws tell the compiler so.
function toResult(row: ChargeRow): ChargeResult {
  if (row.status === 'declined') {
    if (row.decline_code === null || row.decline_reason === null)
      throw new Error(`charge ${row.idempotency_key}: declined without a code`);
    return { status: 'declined', code: row.decline_code, reason: row.decline_reason };
  }
  if (row.provider_payment_id === null)
    throw new Error(`charge ${row.idempotency_key}: ${row.status} without a payment id`);
  return { status: row.status, providerPaymentId: row.provider_payment_id };
}

function toRefund(row: Selectable<SimulatorRefundsTable>): LedgerRefund {
  return {
    request: {
      idempotencyKey: row.idempotency_key,
      providerPaymentId: row.provider_payment_id,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
    },
    result: { providerRefundId: row.provider_refund_id },
  };
}
