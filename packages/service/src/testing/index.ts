// Test support for services: not part of a service's runtime (imports @acme/testing).
export { contractTopics, EventTap, type EventTapOptions, type TappedEvent } from './event-tap.js';
export {
  serviceWorld,
  type ServiceWorld,
  type ServiceWorldOptions,
  type WorldTokenOptions,
} from './service-world.js';
export { handledIds, inboxTransactions } from './inbox.js';
export { bearer, signTestToken, type TestTokenOptions } from './tokens.js';
