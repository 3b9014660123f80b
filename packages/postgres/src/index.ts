export { backoffMs, type BackoffOptions } from './backoff.js';
export { silentLogger, type Logger } from './logger.js';
export { connect, databaseUrl, type ConnectOptions } from './connect.js';
export { deleteInBatches } from './delete-in-batches.js';
export { migrate, MigrationError, type MigrationSet } from './migrate.js';
export { afterCursor, commitHorizon, finishedTransaction, start, type CommitCursor } from './commit-order.js';
export { executePrepared, preparedStatement, type PreparedStatement } from './prepared.js';
export { GroupCommit, type GroupCommitOptions } from './group-commit.js';
