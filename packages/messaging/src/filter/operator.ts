import { compileAnythingBut } from './anything-but.js';
import type { LeafTest } from './event-values.js';
import { InvalidPatternError, show } from './invalid-pattern-error.js';
import { compileNumeric } from './numeric.js';
import { compileWildcard } from './wildcard.js';

/** An operator object compiled: a test on the field's scalars, or an existence requirement. */
export type CompiledOperator = { readonly test: LeafTest } | { readonly exists: boolean };

const operators = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists'];

/**
 * Parts of the EventBridge language this implementation leaves out, named so a pattern copied from
 * EventBridge fails with "not supported" rather than "unknown".
 */
const unsupported = ['cidr'];

/** One `{ "operator": argument }` entry of a value list. */
export function compileOperator(spec: Record<string, unknown>, path: string): CompiledOperator {
  const keys = Object.keys(spec);
  const [name] = keys;
  if (keys.length !== 1 || name === undefined) {
    throw new InvalidPatternError(path, `an operator object must have exactly one key, got ${show(spec)}`);
  }
  const argument = spec[name];
  switch (name) {
    case 'prefix': {
      const prefix = text(name, argument, path);
      return { test: (leaf) => typeof leaf === 'string' && leaf.startsWith(prefix) };
    }
    case 'suffix': {
      const suffix = text(name, argument, path);
      return { test: (leaf) => typeof leaf === 'string' && leaf.endsWith(suffix) };
    }
    case 'equals-ignore-case': {
      const lower = text(name, argument, path).toLowerCase();
      return { test: (leaf) => typeof leaf === 'string' && leaf.toLowerCase() === lower };
    }
    case 'wildcard':
      return { test: compileWildcard(argument, path) };
    case 'anything-but':
      return { test: compileAnythingBut(argument, path) };
    case 'numeric':
      return { test: compileNumeric(argument, path) };
    case 'exists':
      if (typeof argument !== 'boolean') {
        throw new InvalidPatternError(path, `exists must be true or false, got ${show(argument)}`);
      }
      return { exists: argument };
    default:
      throw new InvalidPatternError(
        path,
        unsupported.includes(name)
          ? `operator "${name}" is not supported`
          : `unknown operator ${show(name)} (known: ${operators.join(', ')})`,
      );
  }
}

function text(operator: string, argument: unknown, path: string): string {
  // EventBridge also takes {"prefix": {"equals-ignore-case": "..."}}; not supported here.
  if (typeof argument !== 'string') {
    throw new InvalidPatternError(path, `${operator} must be a string, got ${show(argument)}`);
  }
  return argument;
}
