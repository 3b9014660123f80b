export { enqueue, type EnqueueOptions } from './enqueue.js';
export { defaultMaxPayloadBytes, OutboxMessageError, type OutboxMessage } from './message.js';
export { outboxMigrations } from './migrations/index.js';
export { pruneOutbox, type PruneOptions } from './prune.js';
export { createRelayProducer, type Publisher } from './publisher.js';
export { OutboxRelay, type OutboxRelayOptions, type RelayEvents, type RelayState } from './relay.js';
export { relayLockKey } from './session.js';
export { backoffMs, type BackoffOptions, type Logger } from '@acme/postgres';
export type { OutboxDatabase, OutboxRow, OutboxTable } from './table.js';
