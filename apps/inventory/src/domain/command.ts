// The command shape and the exhaustiveness check are the event store's, shared by every decider.
export { assertNever, type Command, type CommandMetadata } from '@acme/event-store';
