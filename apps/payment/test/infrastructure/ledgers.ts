import { connect, migrate } from '@acme/postgres';
import { scratchDatabase, testStack } from '@acme/testing';
import { sql, type Kysely } from 'kysely';
import { paymentMigrations } from '../../src/infrastructure/migrations/index.js';
import type { SimulatorLedger } from '../../src/infrastructure/simulator-ledger.js';
import { PostgresSimulatorLedger } from '../../src/infrastructure/simulator-ledger.postgres.js';
import type { SimulatorTables } from '../../src/infrastructure/simulator-tables.js';
import { MemorySimulatorLedger } from './memory-ledger.js';

/** Where a test's simulators keep their records. */
export interface LedgerFixture {
  /** A ledger over the fixture's records: every call sees what the previous ones stored. */
  ledger(): SimulatorLedger;
  /** Forget every record (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function memoryLedgers(): LedgerFixture {
  let current = new MemorySimulatorLedger();
  return {
    ledger: () => current,
    reset: () => {
      current = new MemorySimulatorLedger();
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

export interface PostgresLedgerFixture extends LedgerFixture {
  /** A ledger over a pool of its own, as another process (a restarted or second instance) has. */
  ledgerOnNewPool(): SimulatorLedger;
  db: Kysely<SimulatorTables>;
}

/** A scratch database with the payment migrations (the simulator's schema among them). */
export async function postgresLedgers(): Promise<PostgresLedgerFixture> {
  const scratch = await scratchDatabase(testStack(), 'payment_simulator');
  const pools: Kysely<SimulatorTables>[] = [];
  const pool = (): Kysely<SimulatorTables> => {
    const db = connect<SimulatorTables>({ url: scratch.url, max: 4 });
    pools.push(db);
    return db;
  };
  const db = pool();
  await migrate(db, paymentMigrations);
  return {
    db,
    ledger: () => new PostgresSimulatorLedger(db),
    ledgerOnNewPool: () => new PostgresSimulatorLedger(pool()),
    reset: async () => {
      await sql`TRUNCATE provider_simulator.calls, provider_simulator.refunds, provider_simulator.confirmations,
        provider_simulator.charges`.execute(db);
    },
    close: async () => {
      await Promise.all(pools.map((p) => p.destroy()));
      await scratch.drop();
    },
  };
}
