import { inspect } from 'node:util';
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { contextOf, spanContextOf, traceparentOf } from './propagation.js';

const tracer = trace.getTracer('@acme/telemetry');

/**
 * The Kafka header carrying the relay's send span, so a consumer can link to it. `traceparent`
 * itself keeps the span that wrote the outbox row: the consumer is that span's child, which makes
 * the trace follow the saga's causal chain (request → reaction → reaction) rather than the relay.
 */
export const relayTraceparentHeader = 'relay_traceparent';

/** An outbox message as the relay sends it. */
export interface SentMessage {
  topic: string;
  key: string;
  headers: Readonly<Record<string, string>>;
}

/**
 * A PRODUCER span for one relayed message: a child of the span that wrote the row (its
 * `traceparent` header), from the send until the broker's acknowledgement. End it with `endSpan`.
 */
export function startSendSpan(message: SentMessage): Span {
  return tracer.startSpan(
    `send ${message.topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': message.topic,
        'messaging.kafka.message.key': message.key,
        ...messageAttributes(message.headers),
      },
    },
    contextOf(message.headers.traceparent),
  );
}

/** The headers to send: the row's, plus the send span's context when it is recorded. */
export function headersWithSendSpan(
  headers: Readonly<Record<string, string>>,
  span: Span,
): Readonly<Record<string, string>> {
  const sent = span.isRecording() ? traceparentOf(span.spanContext()) : undefined;
  return sent ? { ...headers, [relayTraceparentHeader]: sent } : headers;
}

/** A consumed message, as far as its span needs it. */
export interface ProcessedMessage {
  topic: string;
  partition: number;
  offset: string;
  group: string;
  /** The CloudEvents id and type. */
  id: string;
  type: string;
  /** The `traceparent` header: the span that caused the message. */
  traceparent?: string | undefined;
  /** The relay's send span (`relay_traceparent` header), linked rather than parented. */
  relayTraceparent?: string | undefined;
}

/**
 * A CONSUMER span for handling one message: the child of the span that caused it (so one order
 * is one trace across every service), linked to the relay's send span. With no SDK running it is
 * a non-recording span that still carries the incoming context along.
 */
export function startProcessSpan(message: ProcessedMessage): Span {
  const relay = spanContextOf(message.relayTraceparent);
  const links: Link[] = relay ? [{ context: relay, attributes: { 'acme.link': 'relay.send' } }] : [];
  return tracer.startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': message.group,
        'messaging.message.id': message.id,
        'cloudevents.event_type': message.type,
      },
    },
    contextOf(message.traceparent),
  );
}

/** End a span, marking it failed (with the exception recorded) when `error` is given. */
export function endSpan(span: Span, error?: unknown, attributes?: Attributes): void {
  if (attributes) span.setAttributes(attributes);
  if (error !== undefined) {
    const exception = error instanceof Error ? error : new Error(describe(error));
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
  }
  span.end();
}

/** CloudEvents attributes worth finding a span by in Jaeger (the order id is the subject). */
function messageAttributes(headers: Readonly<Record<string, string>>): Attributes {
  const attributes: Attributes = {};
  if (headers.ce_id) attributes['messaging.message.id'] = headers.ce_id;
  if (headers.ce_type) attributes['cloudevents.event_type'] = headers.ce_type;
  if (headers.ce_subject) attributes['cloudevents.event_subject'] = headers.ce_subject;
  if (headers.correlationid) attributes['acme.correlation_id'] = headers.correlationid;
  return attributes;
}

/**
 * Run `work` in a new span that continues the trace a stored `traceparent` names (a timer firing
 * for an order placed minutes ago), ending it when `work` settles. `work` gets the traceparent to
 * store on what it causes.
 *
 * @example
 *   await continueTrace('order.timeout', payload.traceparent, (traceparent) => expire(orderId, traceparent));
 */
export async function continueTrace<T>(
  name: string,
  traceparent: string | undefined,
  work: (traceparent: string | undefined) => Promise<T>,
  attributes?: Attributes,
): Promise<T> {
  const span = tracer.startSpan(name, attributes ? { attributes } : {}, contextOf(traceparent));
  try {
    const result = await context.with(trace.setSpan(context.active(), span), () =>
      work(traceparentOf(span.spanContext()) ?? traceparent),
    );
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value);
}
