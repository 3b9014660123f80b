/**
 * The house rules every event schema follows (see the README): naming that ties a CloudEvents type
 * to its topic, record and subject; `orderId` on every event; money as long minor units, never a
 * float; timestamps as timestamp-millis; a doc on every field.
 */
import avro from 'avsc';
import type { Schema } from 'avsc';
import { fullName, type Json } from '../src/avro-schema.js';
import type { Revision, TypeSchemas } from './schema-tree.js';

/** `com.acme.<domain>.<kebab-case event>.v<major>` */
const ceType = /^com\.acme\.([a-z]+)\.([a-z]+(?:-[a-z]+)*)\.v([1-9]\d*)$/;

/** Every convention the type's revisions break, one message each. */
export function conventionProblems(t: TypeSchemas): string[] {
  const match = ceType.exec(t.type);
  if (!match) return [`${t.type}: a CloudEvents type is com.acme.<domain>.<kebab-case-event>.v<major>`];
  const [, domain = '', event = '', major = ''] = match;
  const problems: string[] = [];
  if (t.topic !== `${domain}.events`)
    problems.push(`${t.type}: is published on ${domain}.events, so it belongs in schemas/${domain}.events/`);
  const names = expectedRecordNames(domain, event, Number(major));
  const first = t.revisions[0];
  for (const revision of t.revisions) {
    const name = fullName(revision.schema);
    if (!names.includes(name))
      problems.push(`${revision.path}: the record is named ${names.join(' or ')}, not ${name}`);
    else if (first && name !== fullName(first.schema))
      problems.push(
        `${revision.path}: renames the record (its subject would change): add a new type instead`,
      );
    problems.push(...revisionProblems(revision));
  }
  return problems;
}

/**
 * `stock-reserved` in `inventory` → StockReserved or InventoryStockReserved; a major version above 1
 * adds `V<major>`, so a breaking change gets its own record name and registry subject.
 */
export function expectedRecordNames(domain: string, event: string, major: number): string[] {
  const suffix = major > 1 ? `V${major}` : '';
  const name = pascal(event) + suffix;
  return [`com.acme.${domain}.${name}`, `com.acme.${domain}.${pascal(domain)}${name}`];
}

function pascal(kebab: string): string {
  return kebab
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function revisionProblems(revision: Revision): string[] {
  try {
    avro.Type.forSchema(revision.schema as Schema);
  } catch (error) {
    return [`${revision.path}: not a valid Avro schema: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  // The subject (Kafka key, ce_subject) is the entity the event is about: the order for saga
  // events, the SKU for catalogue facts (StockAdded).
  const subject = revision.schema.fields.find((f) => f.name === 'orderId' || f.name === 'sku');
  if (subject?.type !== 'string')
    problems.push(`${revision.path}: every event carries its subject, orderId or sku, as a string`);
  visitType(revision.schema as unknown as Json, '', (path, why) =>
    problems.push(`${revision.path}: ${path ? `field ${path}` : 'record'} ${why}`),
  );
  return problems;
}

/** `path` is where in the record, e.g. `lines[].sku`; empty for the record itself. */
type Report = (path: string, why: string) => void;

/** Walks a type wherever it nests (fields, array items, map values, union branches). */
function visitType(type: Json, where: string, report: Report): void {
  if (typeof type === 'string') {
    if (type === 'float' || type === 'double')
      report(where, `is a ${type}: money is long minor units and an ISO 4217 currency, never a float`);
  } else if (isArray(type)) {
    for (const branch of type) visitType(branch, where, report);
  } else if (isObject(type)) {
    const kind = type.type ?? null;
    if (kind === 'record' || kind === 'error') {
      const fields = type.fields ?? null;
      for (const field of isArray(fields) ? fields : []) {
        if (isObject(field)) visitField(field, where ? `${where}.` : '', report);
      }
    } else if (kind === 'array') visitType(type.items ?? null, `${where}[]`, report);
    else if (kind === 'map') visitType(type.values ?? null, `${where}{}`, report);
    else visitType(kind, where, report);
  }
}

function visitField(field: JsonObject, prefix: string, report: Report): void {
  const name = typeof field.name === 'string' ? field.name : '?';
  const where = `${prefix}${name}`;
  const type = field.type ?? null;
  if (typeof field.doc !== 'string' || field.doc.trim() === '') report(where, 'has no doc');
  const value = withoutNull(type);
  if (name.endsWith('At') && !isTimestampMillis(value))
    report(where, 'is a point in time: { "type": "long", "logicalType": "timestamp-millis" }');
  if (name.endsWith('Minor') && value !== 'long') report(where, 'is an amount in minor units: "long"');
  if (name === 'currency' && value !== 'string') report(where, 'is an ISO 4217 code: "string"');
  visitType(type, where, report);
}

/** The non-null branch of an optional `["null", T]`, or the type itself. */
function withoutNull(type: Json): Json {
  if (!isArray(type) || type.length !== 2 || !type.includes('null')) return type;
  return type.find((branch) => branch !== 'null') ?? null;
}

function isTimestampMillis(type: Json): boolean {
  return isObject(type) && type.type === 'long' && type.logicalType === 'timestamp-millis';
}

type JsonObject = Readonly<Record<string, Json>>;

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !isArray(value);
}

function isArray(value: Json): value is readonly Json[] {
  return Array.isArray(value);
}
