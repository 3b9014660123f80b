import { fullName, subjectFor, type AvroRecordSchema } from './avro-schema.js';
import { eventTypes, schemaSources } from './generated/schemas.js';
import type { EventDataByType, Topic } from './generated/types.js';

/** Every CloudEvents type (`ce_type`) with a contract. */
export type EventType = keyof EventDataByType;

/** The contract of one event type: where it is published, under which subject, with which schema. */
export interface Contract<T extends EventType = EventType> {
  /** CloudEvents `type` (the `ce_type` header), e.g. `com.acme.order.placed.v1`. */
  readonly type: T;
  /** Kafka topic of the publishing service. */
  readonly topic: Topic;
  /** Full name of the Avro record, e.g. `com.acme.order.OrderPlaced`. */
  readonly recordName: string;
  /** Registry subject, by TopicRecordNameStrategy: `<topic>-<recordName>`. */
  readonly subject: string;
  /** The current revision: producers write it, consumers read with it. */
  readonly schema: AvroRecordSchema;
  /** Every revision, oldest first; the last is `schema`. Registered in this order, each is accepted. */
  readonly history: readonly AvroRecordSchema[];
}

function contractOf<T extends EventType>(type: T): Contract<T> {
  const { topic, history } = schemaSources[type];
  const schema = history.at(-1);
  if (!schema) throw new Error(`${type} has no schema revision`); // generate refuses this; never here
  const recordName = fullName(schema);
  return deepFreeze({ type, topic, recordName, subject: subjectFor(topic, recordName), schema, history });
}

/**
 * The contract of every event type, by CloudEvents type. Deeply frozen: a schema is a published
 * fact, no consumer may change it for the others.
 *
 * @example
 * const { topic, subject, schema } = contracts['com.acme.order.placed.v2'];
 * for (const c of Object.values(contracts)) for (const s of c.history) await registry.register(s, c.subject);
 */
export const contracts = Object.freeze(
  Object.fromEntries(eventTypes.map((type) => [type, contractOf(type)])),
) as { readonly [T in EventType]: Contract<T> };

/** A type the catalogue does not know; a message carrying it can never be decoded. Not retriable. */
export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';
  readonly retriable = false;

  constructor(readonly type: string) {
    super(`unknown event type ${JSON.stringify(type)}: @acme/contracts knows ${eventTypes.join(', ')}`);
  }
}

/**
 * Narrows a string (a `ce_type` header, an event store row) to a known event type.
 *
 * @example
 * if (!isEventType(headers.ce_type)) return deadLetter(message);
 */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(contracts, type);
}

/**
 * The contract of `type`; throws `UnknownEventTypeError` for a type the catalogue does not know.
 *
 * @example
 * const { subject, schema } = lookup('com.acme.payment.charged.v1');
 */
export function lookup<T extends EventType>(type: T): Contract<T>;
export function lookup(type: string): Contract;
export function lookup(type: string): Contract {
  if (!isEventType(type)) throw new UnknownEventTypeError(type);
  return contracts[type];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
