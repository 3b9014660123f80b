import { ROOT_CONTEXT, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` of a span context, or undefined when the context is not valid. */
export function traceparentOf(spanContext: SpanContext | undefined): string | undefined {
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * The W3C `traceparent` of the active span, or undefined outside a (valid) span — what an outbox
 * row or an event's metadata stores so the next hop continues the trace.
 */
export function activeTraceparent(): string | undefined {
  return traceparentOf(trace.getActiveSpan()?.spanContext());
}

/** The remote span context a `traceparent` names, or undefined for a missing or malformed one. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent ? traceparentPattern.exec(traceparent) : null;
  if (!match) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}

/**
 * A context whose parent is the span a `traceparent` names, for a span that continues a trace
 * across an asynchronous hop; the root context when there is none (the span starts a trace).
 */
export function contextOf(traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context {
  const spanContext = spanContextOf(traceparent);
  return spanContext ? trace.setSpanContext(base, spanContext) : base;
}
