/**
 * A scalar of the event, the only thing matchers compare. `bigint` is there for Avro longs decoded
 * as such; it compares as a number.
 */
export type Leaf = string | number | bigint | boolean | null;

export type LeafTest = (leaf: Leaf) => boolean;

/** A compiled pattern node, given the event's value at that node (`undefined` when missing). */
export type NodeTest = (value: unknown) => boolean;

/** What a field holds, as far as a value list is concerned. */
export const NO_VALUE = 0;
export const NO_MATCH = 1;
export const MATCH = 2;
export type Scan = typeof NO_VALUE | typeof NO_MATCH | typeof MATCH;

/**
 * Runs `test` over the scalars of a field: an array counts through its elements (any may match),
 * an object is an intermediate node and holds no value, as in EventBridge (`exists` and every
 * matcher only see leaves). Stops at the first match.
 */
export function scanLeaves(value: unknown, test: LeafTest): Scan {
  if (value === undefined) return NO_VALUE;
  if (Array.isArray(value)) {
    let scan: Scan = NO_VALUE;
    for (const element of value as readonly unknown[]) {
      const inner = scanLeaves(element, test);
      if (inner === MATCH) return MATCH;
      if (inner === NO_MATCH) scan = NO_MATCH;
    }
    return scan;
  }
  if (isLeaf(value)) return test(value) ? MATCH : NO_MATCH;
  return NO_VALUE;
}

function isLeaf(value: unknown): value is Leaf {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint';
}

/** The number a scalar stands for, if it is one; strings never are ("5" is not 5). */
export function numberOf(leaf: Leaf): number | undefined {
  if (typeof leaf === 'number') return leaf;
  if (typeof leaf === 'bigint') return Number(leaf);
  return undefined;
}

/**
 * A field of an event object. Own properties only, so a pattern key such as `constructor` does not
 * find `Object.prototype`'s.
 */
export function fieldOf(node: unknown, key: string): unknown {
  if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) {
    return undefined;
  }
  return (node as Record<string, unknown>)[key];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
