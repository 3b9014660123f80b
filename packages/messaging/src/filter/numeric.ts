import { numberOf, type LeafTest } from './event-values.js';
import { InvalidPatternError, show } from './invalid-pattern-error.js';
import type { NumericOperator } from './pattern.js';

type Comparison = (x: number, operand: number) => boolean;

const comparisons: Readonly<Record<NumericOperator, Comparison>> = {
  '=': (x, n) => x === n,
  '<': (x, n) => x < n,
  '<=': (x, n) => x <= n,
  '>': (x, n) => x > n,
  '>=': (x, n) => x >= n,
};

const lowerBounds: readonly string[] = ['>', '>='];
const upperBounds: readonly string[] = ['<', '<='];

/**
 * `{ "numeric": [op, n] }` or `{ "numeric": [">" | ">=", low, "<" | "<=", high] }`. Only numbers
 * match: a string holding digits does not, as in EventBridge. Unlike EventBridge, operands are not
 * limited to ±5e9: amounts in minor units outgrow that.
 */
export function compileNumeric(spec: unknown, path: string): LeafTest {
  if (!Array.isArray(spec) || (spec.length !== 2 && spec.length !== 4)) {
    throw new InvalidPatternError(
      path,
      `numeric must be [operator, number] or [">" or ">=", number, "<" or "<=", number], got ${show(spec)}`,
    );
  }
  const terms = spec as readonly unknown[];
  const first = comparison(terms, 0, path);
  if (terms.length === 2) return (leaf) => test(leaf, first.compare, first.operand);

  const second = comparison(terms, 2, path);
  if (!lowerBounds.includes(first.operator) || !upperBounds.includes(second.operator)) {
    throw new InvalidPatternError(
      path,
      `a numeric range is a lower bound (> or >=) then an upper bound (< or <=), got ${show(spec)}`,
    );
  }
  if (first.operand >= second.operand) {
    throw new InvalidPatternError(
      path,
      `numeric range is empty: lower bound ${first.operand} is not below upper bound ${second.operand}`,
    );
  }
  return (leaf) => test(leaf, first.compare, first.operand) && test(leaf, second.compare, second.operand);
}

function test(leaf: Parameters<LeafTest>[0], compare: Comparison, operand: number): boolean {
  const x = numberOf(leaf);
  return x !== undefined && compare(x, operand);
}

function comparison(terms: readonly unknown[], at: number, path: string) {
  const operator = terms[at];
  const operand = terms[at + 1];
  if (typeof operator !== 'string' || !Object.hasOwn(comparisons, operator)) {
    throw new InvalidPatternError(
      path,
      `numeric operator must be one of =, <, <=, >, >=, got ${show(operator)}`,
    );
  }
  if (typeof operand !== 'number' || !Number.isFinite(operand)) {
    throw new InvalidPatternError(path, `numeric ${operator} needs a finite number, got ${show(operand)}`);
  }
  return { operator, operand, compare: comparisons[operator as NumericOperator] };
}
