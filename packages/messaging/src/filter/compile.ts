import { fieldOf, isPlainObject, type NodeTest } from './event-values.js';
import { InvalidPatternError, show } from './invalid-pattern-error.js';
import type { EventPattern } from './pattern.js';
import { compileValueList } from './value-list.js';

/** A compiled subscription filter. */
export interface EventFilter {
  /** The pattern as compiled: a frozen copy, so what is read here is what runs. */
  readonly pattern: EventPattern;
  /** Whether the pattern looks at the payload; if not, `matchesEnvelope` alone decides. */
  readonly needsData: boolean;
  /**
   * Every key of the pattern but `data`, on the envelope attributes (strings from the Kafka
   * headers). `false` means `matches` would be false too: skip the message without decoding it.
   */
  matchesEnvelope(envelope: Readonly<Record<string, unknown>>): boolean;
  /** The whole pattern, on `{ ...envelope, data: decodedPayload }`. */
  matches(event: unknown): boolean;
}

type Field = readonly [key: string, test: NodeTest];

/**
 * Compiles an EventBridge event pattern into matcher closures, once, so matching a message costs
 * no parsing. Throws `InvalidPatternError` naming the path and reason for anything EventBridge
 * would refuse, and for its few parts left out here (`$or`, `cidr`, the `equals-ignore-case` and
 * `wildcard` forms of `anything-but`, `prefix`/`suffix` with `equals-ignore-case`).
 *
 * @example
 *   const filter = compileFilter({
 *     type: ['com.acme.order.placed.v1', 'com.acme.order.placed.v2'],
 *     subject: [{ exists: true }],
 *     data: { totalMinor: [{ numeric: ['>=', 10_000] }], lines: { sku: [{ prefix: 'SKU-' }] } },
 *   });
 *   if (!filter.matchesEnvelope(envelope)) return skip(message); // payload never decoded
 *   if (filter.needsData && !filter.matches({ ...envelope, data: await decode(message) })) return skip(message);
 */
export function compileFilter(pattern: unknown): EventFilter {
  if (!isPlainObject(pattern)) {
    throw new InvalidPatternError('', `a pattern must be a JSON object, got ${show(pattern)}`);
  }
  const fields = compileFields(pattern, '');
  const envelopeFields = fields.filter(([key]) => key !== 'data');
  const matches = objectTest(fields);
  return {
    pattern: deepFreeze(structuredClone(pattern)) as EventPattern,
    needsData: envelopeFields.length < fields.length,
    matchesEnvelope: (envelope) => allMatch(envelopeFields, envelope),
    matches,
  };
}

function compileFields(pattern: Record<string, unknown>, path: string): Field[] {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidPatternError(path, 'an object must have at least one key');
  return keys.map((key) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === '$or') throw new InvalidPatternError(at, '$or is not supported');
    return [key, compileNode(pattern[key], at)] as const;
  });
}

function compileNode(node: unknown, path: string): NodeTest {
  if (Array.isArray(node)) return compileValueList(node as readonly unknown[], path);
  if (isPlainObject(node)) return objectTest(compileFields(node, path));
  throw new InvalidPatternError(
    path,
    `must be an object (nested fields) or an array (accepted values), got ${show(node)}`,
  );
}

/**
 * A nested pattern object. Facing an array (say `lines`), it matches when one element matches all
 * its keys together: `{ lines: { sku: [...], quantity: [...] } }` asks for one line with both, never
 * the sku of one line and the quantity of another (EventBridge's array-consistent matching).
 */
function objectTest(fields: readonly Field[]): NodeTest {
  const test = (value: unknown): boolean => {
    if (!Array.isArray(value)) return allMatch(fields, value);
    // An empty array holds no field at all: the keys see nothing, which `exists: false` accepts.
    if (value.length === 0) return allMatch(fields, undefined);
    return (value as readonly unknown[]).some(test);
  };
  return test;
}

function allMatch(fields: readonly Field[], node: unknown): boolean {
  for (const [key, test] of fields) if (!test(fieldOf(node, key))) return false;
  return true;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
