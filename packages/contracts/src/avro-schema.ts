/** A JSON value, as it appears in an `.avsc` file. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** One field of an Avro record schema. */
export interface AvroField {
  readonly name: string;
  readonly type: Json;
  readonly doc?: string;
  readonly default?: Json;
}

/**
 * The JSON of an Avro record schema, as committed in an `.avsc` file. Deliberately loose below the
 * fields: avsc and the registry are the judges of a schema, this type only names what we read.
 */
export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly fields: readonly AvroField[];
}

/**
 * The record's full name (`namespace.name`), which names its registry subject.
 *
 * @example
 * fullName({ type: 'record', name: 'OrderPlaced', namespace: 'com.acme.order', fields: [] });
 * // 'com.acme.order.OrderPlaced'
 */
export function fullName(schema: Pick<AvroRecordSchema, 'name' | 'namespace'>): string {
  // Avro: a name containing a dot is already full and its namespace attribute is ignored.
  if (schema.name.includes('.') || !schema.namespace) return schema.name;
  return `${schema.namespace}.${schema.name}`;
}

/**
 * The registry subject of a record on a topic, by TopicRecordNameStrategy: several event types
 * share a topic, and each evolves under its own subject.
 *
 * @example
 * subjectFor('order.events', 'com.acme.order.OrderPlaced'); // 'order.events-com.acme.order.OrderPlaced'
 */
export function subjectFor(topic: string, recordName: string): string {
  return `${topic}-${recordName}`;
}
