import { isPlainObject, numberOf, type LeafTest } from './event-values.js';
import { InvalidPatternError, show } from './invalid-pattern-error.js';

/**
 * `{ "anything-but": ... }`: matches any present value except the excluded ones. Exclusion is by
 * type, as in EventBridge: `"anything-but": ["EUR"]` excludes the string only, so a number, a
 * boolean or null still matches, and `"anything-but": [100]` does not exclude the string "100".
 * A missing field never matches (there is no value to be "anything but"); that falls out of the
 * caller running leaf tests on present values only.
 */
export function compileAnythingBut(spec: unknown, path: string): LeafTest {
  if (typeof spec === 'string') return excludeStrings([spec]);
  if (typeof spec === 'number') return excludeNumbers([finite(spec, path)]);
  if (Array.isArray(spec)) return excludeList(spec as readonly unknown[], path);
  if (isPlainObject(spec)) return excludeAffix(spec, path);
  throw new InvalidPatternError(
    path,
    `anything-but takes a string, a number, a list of strings or of numbers, or {prefix} or {suffix}, got ${show(spec)}`,
  );
}

function excludeList(list: readonly unknown[], path: string): LeafTest {
  if (list.length > 0 && list.every((v) => typeof v === 'string')) return excludeStrings(list);
  if (list.length > 0 && list.every((v) => typeof v === 'number')) {
    return excludeNumbers(list.map((n) => finite(n, path)));
  }
  throw new InvalidPatternError(
    path,
    `anything-but list must be non-empty and hold only strings or only numbers, got ${show(list)}`,
  );
}

function excludeStrings(values: readonly string[]): LeafTest {
  const excluded = new Set(values);
  return (leaf) => typeof leaf !== 'string' || !excluded.has(leaf);
}

function excludeNumbers(values: readonly number[]): LeafTest {
  const excluded = new Set(values);
  return (leaf) => {
    const x = numberOf(leaf);
    return x === undefined || !excluded.has(x);
  };
}

function excludeAffix(spec: Record<string, unknown>, path: string): LeafTest {
  const keys = Object.keys(spec);
  const [kind] = keys;
  if (keys.length !== 1 || (kind !== 'prefix' && kind !== 'suffix')) {
    throw new InvalidPatternError(
      path,
      `anything-but object must be {prefix: string} or {suffix: string}, got ${show(spec)}`,
    );
  }
  const affix = spec[kind];
  // An empty affix would exclude every string, which is surely not what was meant (EventBridge refuses it too).
  if (typeof affix !== 'string' || affix === '') {
    throw new InvalidPatternError(
      path,
      `anything-but ${kind} must be a non-empty string, got ${show(affix)}`,
    );
  }
  return kind === 'prefix'
    ? (leaf) => typeof leaf !== 'string' || !leaf.startsWith(affix)
    : (leaf) => typeof leaf !== 'string' || !leaf.endsWith(affix);
}

function finite(n: number, path: string): number {
  if (!Number.isFinite(n))
    throw new InvalidPatternError(path, `anything-but number must be finite, got ${n}`);
  return n;
}
