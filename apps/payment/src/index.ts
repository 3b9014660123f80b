export * from './domain/index.js';
export * from './infrastructure/provider-simulator.js';
export * from './infrastructure/simulator-ledger.js';
export * from './infrastructure/simulator-ledger.postgres.js';
export type * from './infrastructure/simulator-tables.js';
