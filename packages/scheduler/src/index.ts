export { backoffMs, defaultBackoff, type BackoffOptions } from './backoff.js';
export type { Logger } from './logger.js';
export { schedulerMigrations } from './migrations/index.js';
export { pruneDeadlines, type PruneDeadlinesOptions } from './prune.js';
export {
  cancelDeadline,
  DeadlineRequestError,
  schedule,
  type DeadlineRef,
  type ScheduleOutcome,
  type ScheduleRequest,
} from './schedule.js';
export type { Deadline } from './store.js';
export type { DeadlinesTable, JsonValue, SchedulerDatabase } from './table.js';
export {
  DeadlineWorker,
  type DeadlineHandler,
  type DeadlineWorkerOptions,
  type RoundOutcome,
} from './worker.js';
