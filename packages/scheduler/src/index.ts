export { backoffMs, type BackoffOptions, type Logger } from '@acme/postgres';
export { schedulerMigrations } from './migrations/index.js';
export { pruneDeadlines, type PruneDeadlinesOptions } from './prune.js';
export {
  cancelDeadline,
  cancelDeadlines,
  DeadlineRequestError,
  holdDeadline,
  holdDeadlines,
  schedule,
  scheduleMany,
  type DeadlineRef,
  type ScheduleOutcome,
  type ScheduleRequest,
} from './schedule.js';
export type { Deadline } from './store.js';
export type { DeadlinesTable, JsonValue, SchedulerDatabase } from './table.js';
export {
  DeadlineWorker,
  defaultBackoff,
  type DeadlineHandler,
  type DeadlineWorkerOptions,
  type RoundOutcome,
} from './worker.js';
