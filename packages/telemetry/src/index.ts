export { activeTraceparent, contextOf, spanContextOf, traceparentOf } from './propagation.js';
export {
  continueTrace,
  endSpan,
  headersWithSendSpan,
  relayTraceparentHeader,
  startProcessSpan,
  startSendSpan,
  type ProcessedMessage,
  type SentMessage,
} from './spans.js';
export { logMixin, withLogFields, type LogFields } from './log-fields.js';
export { flushTelemetry } from './flush.js';
