import type {
  LedgerCharge,
  LedgerRefund,
  PendingConfirmation,
  SimulatorLedger,
} from '../../src/infrastructure/simulator-ledger.js';

/**
 * The simulator's ledger in Maps, for pure unit tests: one process, no I/O, each step atomic by
 * construction. The service never runs it (a restart would lose it); the same behavioural suite
 * runs against it and against `PostgresSimulatorLedger`, so the two keep the same contract.
 */
export class MemorySimulatorLedger implements SimulatorLedger {
  private readonly calls = new Map<string, number>();
  private readonly charges = new Map<string, LedgerCharge>();
  private readonly refunds = new Map<string, LedgerRefund>();
  private readonly delivered = new Set<string>();

  countCall(idempotencyKey: string): Promise<number> {
    const calls = (this.calls.get(idempotencyKey) ?? 0) + 1;
    this.calls.set(idempotencyKey, calls);
    return Promise.resolve(calls);
  }

  callsFor(idempotencyKey: string): Promise<number> {
    return Promise.resolve(this.calls.get(idempotencyKey) ?? 0);
  }

  findCharge(idempotencyKey: string): Promise<LedgerCharge | undefined> {
    return Promise.resolve(copy(this.charges.get(idempotencyKey)));
  }

  addCharge(charge: LedgerCharge): Promise<{ charge: LedgerCharge; created: boolean }> {
    const kept = this.charges.get(charge.request.idempotencyKey);
    if (kept) return Promise.resolve({ charge: structuredClone(kept), created: false });
    this.charges.set(charge.request.idempotencyKey, structuredClone(charge));
    return Promise.resolve({ charge, created: true });
  }

  findPayment(providerPaymentId: string): Promise<LedgerCharge | undefined> {
    return Promise.resolve(copy(this.payment(providerPaymentId)));
  }

  findRefund(idempotencyKey: string): Promise<LedgerRefund | undefined> {
    return Promise.resolve(copy(this.refunds.get(idempotencyKey)));
  }

  addRefund(refund: LedgerRefund): Promise<LedgerRefund | undefined> {
    const { idempotencyKey, providerPaymentId } = refund.request;
    const taken = [...this.refunds.values()].some((r) => r.request.providerPaymentId === providerPaymentId);
    if (!this.refunds.has(idempotencyKey) && !taken)
      this.refunds.set(idempotencyKey, structuredClone(refund));
    return this.findRefund(idempotencyKey);
  }

  refundsFor(providerPaymentId: string): Promise<number> {
    const refunds = [...this.refunds.values()].filter(
      (r) => r.request.providerPaymentId === providerPaymentId,
    );
    return Promise.resolve(refunds.length);
  }

  pendingConfirmations(): Promise<PendingConfirmation[]> {
    const pending: PendingConfirmation[] = [];
    // Maps iterate in insertion order: oldest first.
    for (const { request, result, asyncOutcome } of this.charges.values()) {
      if (result.status !== 'pending' || asyncOutcome === undefined) continue;
      if (this.delivered.has(result.providerPaymentId)) continue;
      pending.push({
        providerPaymentId: result.providerPaymentId,
        idempotencyKey: request.idempotencyKey,
        amountMinor: request.amountMinor,
        currency: request.currency,
        outcome: asyncOutcome,
      });
    }
    return Promise.resolve(pending);
  }

  markConfirmationDelivered(providerPaymentId: string): Promise<void> {
    if (this.payment(providerPaymentId)?.result.status === 'pending') this.delivered.add(providerPaymentId);
    return Promise.resolve();
  }

  private payment(providerPaymentId: string): LedgerCharge | undefined {
    return [...this.charges.values()].find(
      (c) => 'providerPaymentId' in c.result && c.result.providerPaymentId === providerPaymentId,
    );
  }
}

const copy = <T>(value: T | undefined): T | undefined =>
  value === undefined ? undefined : structuredClone(value);
