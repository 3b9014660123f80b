export {
  aggregateStream,
  aggregateStreams,
  maybeSnapshot,
  type Aggregate,
  type AggregateOptions,
} from './aggregate.js';
export {
  appendToStream,
  appendToStreams,
  type AppendOptions,
  type AppendResult,
  type StreamAppend,
} from './append.js';
export {
  handleCommands,
  type BatchCommand,
  type BatchOutcome,
  type HandleCommandsOptions,
} from './command-batch.js';
export {
  handleCommand,
  withConflictRetry,
  type CommandOutcome,
  type ConflictRetryOptions,
  type HandleCommandOptions,
} from './command.js';
export { assertNever, type Command, type CommandMetadata, type Decider } from './decider.js';
export {
  ConcurrencyError,
  EventStoreError,
  IdempotencyKeyReusedError,
  InvalidAppendError,
  TooManyConflictsError,
  type ExpectedVersion,
} from './errors.js';
export type { Event, RecordedEvent } from './event.js';
export type { Executor } from './executor.js';
export { type EventMetadata } from './metadata.js';
export { eventStoreMigrations } from './migrations/index.js';
export { readAll, readStream, type ReadAllPage, type ReadStreamOptions } from './read.js';
export type { EventStoreDatabase } from './schema.js';
