export { AvroCodec, type Contract } from './codec.js';
export {
  checkConnection,
  connectionVariables,
  kafkaSecurity,
  parseConnection,
  registryAuth,
  secretFile,
  securityProtocols,
  type ConnectionConfig,
  type SecurityProtocol,
} from './connection.js';
export {
  avroContentType,
  envelopeFromHeaders,
  envelopeHeaders,
  envelopeToHeaders,
  headerString,
  type Envelope,
} from './envelope.js';
export {
  CycleError,
  errorClass,
  errorMessage,
  InvalidEnvelopeError,
  isRetriable,
  MessagingError,
  PermanentError,
  RetriableError,
  UndecodableError,
  UnknownSchemaError,
  type RetryAware,
} from './errors.js';
export { EventPublisher, startCause, type Cause, type OutgoingEvent } from './publish.js';
export { messagingMigrations } from './migrations/index.js';
export type { DeadLetterRow, MessagingDatabase, ReplayRow } from './tables.js';
export { MessageConsumer, type MessageConsumerOptions } from './consumer/runtime.js';
export type { Handler, InboundEvent, UpcastStep } from './consumer/handler.js';
export { dlqTopic, replayTopic, type DeadLetterReason } from './consumer/dead-letter.js';
export {
  InvalidSelectionError,
  listDeadLetters,
  replayDeadLetters,
  validateSelection,
  type DeadLetterSummary,
  type ReplayRequest,
  type ReplayResult,
  type ReplaySelection,
} from './replay.js';
export {
  compileFilter,
  InvalidPatternError,
  type AnythingBut,
  type EventFilter,
  type EventPattern,
  type NumericOperator,
  type PatternMatcher,
  type PatternValue,
} from './filter/index.js';
export { forgetConsumer, pruneInbox } from './inbox.js';
export { ensureTopics, TopicsNotReadyError, type EnsureTopicsOptions, type TopicSpec } from './topics.js';
