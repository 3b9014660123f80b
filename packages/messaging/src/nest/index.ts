// The Nest integration of @acme/messaging, kept apart from the package's main entry so that
// services and tools that do not use Nest never load it.
export { EventBatchContext, EventContext } from './event-context.js';
export {
  ConsumeEvent,
  ConsumeEvents,
  EventHandlerExplorer,
  InvalidEventHandlerError,
  KafkaEvents,
  type EventPatternExtras,
} from './event-handlers.js';
export {
  EventConsumerHost,
  MessagingModule,
  type MessagingModuleAsyncOptions,
  type MessagingModuleOptions,
} from './messaging.module.js';
export { DeadLetterAdmin, type MessagingAdminOptions } from './dead-letter-admin.js';
export { allowEveryone, DeadLetterAdminGuard } from './dead-letter-admin.guard.js';
export { DeadLetterController, type DeadLetterList } from './dead-letter.controller.js';
export { listQuerySchema, replayBodySchema, type ListQuery, type ReplayBody } from './dead-letter.schemas.js';
export {
  MessagingAdminModule,
  type MessagingAdminModuleAsyncOptions,
  type MessagingAdminModuleOptions,
} from './messaging-admin.module.js';
export { DLQ_ADMIN_AUTHORIZATION, DLQ_ADMIN_OPTIONS, MESSAGING_OPTIONS } from './messaging.tokens.js';
