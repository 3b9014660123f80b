// Jest-only helpers (the decider specification) live at '@acme/testing/decider-spec', so that
// benchmarks and scripts can import this index outside Jest.
export { consumeUntil, createTopic, deleteTopics, deleteTopicsWithPrefix } from './kafka.js';
export { scratchDatabase, type ScratchDatabase } from './scratch-database.js';
export { eventually, withDeadline, type EventuallyOptions } from './wait.js';
export {
  databaseUrl,
  dockerEngineAnswers,
  nativeStack,
  provideStack,
  releaseStack,
  stackEnvironment,
  stackFromEnvironment,
  startNativeStack,
  testStack,
  type StackSource,
  type TestStack,
} from './stack-provider.js';
export { startSmtpSink, type ReceivedMail, type SmtpSink, type SmtpSinkOptions } from './smtp-sink.js';
