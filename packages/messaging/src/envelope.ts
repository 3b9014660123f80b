import type { IHeaders } from 'kafkajs';
import { InvalidEnvelopeError } from './errors.js';

/**
 * A CloudEvents 1.0 event's context attributes, carried in Kafka headers (binary content mode):
 * the value stays pure Avro in the Confluent wire format, so any Avro consumer can read it, and
 * routing, filtering and tracing need nothing but the headers.
 */
export interface Envelope {
  /** Unique per event; the consumer inbox deduplicates on it. Dual-published copies share it. */
  id: string;
  /** The service that emitted the event, e.g. `/acme/order`. */
  source: string;
  /** e.g. `com.acme.order.placed.v1`: the contract, including its major version. */
  type: string;
  specversion: '1.0';
  /** RFC 3339 time the fact happened. */
  time: string;
  /** The order id: the entity the event is about, also the Kafka key. */
  subject: string;
  /** Shared by everything one original request caused. */
  correlationid: string;
  /** The id of the event or command that caused this one. */
  causationid: string;
  /** W3C trace context of the producing span. */
  traceparent?: string;
  /** How many handlers this causal chain has passed through; stops circular flows. */
  hops: number;
}

/** Header names, fixed by the CloudEvents Kafka binding and ARCHITECTURE.md. */
export const envelopeHeaders = {
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
  correlationid: 'correlationid',
  causationid: 'causationid',
  traceparent: 'traceparent',
  hops: 'hops',
} as const satisfies Record<keyof Envelope, string>;

/** Binary mode's `datacontenttype`: the value is Avro behind the Confluent wire-format prefix. */
export const avroContentType = 'application/avro';

/**
 * Kafka headers for an envelope (all strings, as the outbox stores them).
 *
 * @example
 *   const headers = envelopeToHeaders({ id, source: '/acme/order', type, specversion: '1.0', ... });
 */
export function envelopeToHeaders(envelope: Envelope): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': avroContentType };
  for (const [attribute, header] of Object.entries(envelopeHeaders)) {
    const value = envelope[attribute as keyof Envelope];
    if (value !== undefined) headers[header] = String(value);
  }
  return headers;
}

/** One header as a string: kafkajs gives Buffers (or arrays of them when a name repeats). */
export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

const required = [
  'id',
  'source',
  'type',
  'specversion',
  'time',
  'subject',
  'correlationid',
  'causationid',
] as const;

/**
 * Read and validate the envelope of a consumed message.
 * Throws `InvalidEnvelopeError` (permanent: straight to the dead-letter topic) naming what is wrong.
 */
export function envelopeFromHeaders(headers: IHeaders | undefined): Envelope {
  // Each header is read (and converted from its Buffer) once: this runs for every message.
  const values = {} as Record<keyof Envelope, string | undefined>;
  for (const attribute of Object.keys(envelopeHeaders) as (keyof Envelope)[])
    values[attribute] = headerString(headers, envelopeHeaders[attribute]);
  const missing = required.filter((a) => !values[a]);
  if (missing.length > 0)
    throw new InvalidEnvelopeError(`missing header(s) ${missing.map((a) => envelopeHeaders[a]).join(', ')}`);
  const { id = '', source = '', type = '', specversion, time = '', subject = '' } = values;
  const { correlationid = '', causationid = '', traceparent, hops: hopsText = '0' } = values;
  if (specversion !== '1.0')
    throw new InvalidEnvelopeError(`ce_specversion ${JSON.stringify(specversion)} is not 1.0`);
  if (Number.isNaN(Date.parse(time)))
    throw new InvalidEnvelopeError(`ce_time ${JSON.stringify(time)} is not a time`);
  const hops = Number(hopsText);
  if (!Number.isSafeInteger(hops) || hops < 0)
    throw new InvalidEnvelopeError(`hops ${JSON.stringify(hopsText)} is not a non-negative integer`);
  return {
    id,
    source,
    type,
    specversion,
    time,
    subject,
    correlationid,
    causationid,
    ...(traceparent ? { traceparent } : {}),
    hops,
  };
}
