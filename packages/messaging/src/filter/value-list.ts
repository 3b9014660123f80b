import { isPlainObject, MATCH, NO_VALUE, scanLeaves, type LeafTest, type NodeTest } from './event-values.js';
import { InvalidPatternError, show } from './invalid-pattern-error.js';
import { compileOperator } from './operator.js';

/**
 * A field's list of accepted values, any of which may match. Literals match by type and value
 * (numbers numerically, so 300 matches 300.0; "300" does not match 300), and go into sets so a long
 * list costs one lookup. If the field is an array, the list matches when any element does.
 */
export function compileValueList(values: readonly unknown[], path: string): NodeTest {
  if (values.length === 0) throw new InvalidPatternError(path, 'a value list must not be empty');
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const tests: LeafTest[] = [];
  let acceptsTrue = false;
  let acceptsFalse = false;
  let acceptsNull = false;
  let anyValue = false; // exists: true
  let noValue = false; // exists: false

  for (const value of values) {
    if (typeof value === 'string') strings.add(value);
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        throw new InvalidPatternError(path, `a number must be finite, got ${value}`);
      }
      numbers.add(value);
    } else if (value === true) acceptsTrue = true;
    else if (value === false) acceptsFalse = true;
    else if (value === null) acceptsNull = true;
    else if (isPlainObject(value)) {
      const operator = compileOperator(value, path);
      if ('test' in operator) tests.push(operator.test);
      else if (operator.exists) anyValue = true;
      else noValue = true;
    } else {
      throw new InvalidPatternError(
        path,
        `a value must be a string, number, boolean, null or operator object, got ${show(value)}`,
      );
    }
  }

  const test: LeafTest = (leaf) => {
    if (anyValue) return true;
    if (typeof leaf === 'string') {
      if (strings.has(leaf)) return true;
    } else if (leaf === null) {
      if (acceptsNull) return true;
    } else if (typeof leaf === 'boolean') {
      if (leaf ? acceptsTrue : acceptsFalse) return true;
    } else if (numbers.has(Number(leaf))) return true; // a number, or a bigint taken as one
    for (const t of tests) if (t(leaf)) return true;
    return false;
  };
  return (field) => {
    const scan = scanLeaves(field, test);
    return scan === MATCH || (scan === NO_VALUE && noValue);
  };
}
