export { deciderSpec, type DeciderSpec, type PureDecider } from './decider-spec.js';
export { scratchDatabase, type ScratchDatabase } from './scratch-database.js';
export { eventually, withDeadline, type EventuallyOptions } from './wait.js';
export {
  databaseUrl,
  dockerEngineAnswers,
  provideStack,
  releaseStack,
  stackEnvironment,
  stackFromEnvironment,
  type StackSource,
  type TestStack,
} from './stack-provider.js';
