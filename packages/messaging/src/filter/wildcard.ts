import type { LeafTest } from './event-values.js';
import { InvalidPatternError, show } from './invalid-pattern-error.js';

/**
 * `{ "wildcard": "order-*-eu" }`: `*` matches any run of characters, none included. As in
 * EventBridge, `\*` is a literal asterisk, `\\` a literal backslash, any other escape and `**` are
 * refused. Matched by scanning literal pieces left to right rather than by a regular expression, so
 * the cost stays linear-ish whatever the pattern (no backtracking blow-up on `*a*a*a*...`).
 */
export function compileWildcard(spec: unknown, path: string): LeafTest {
  if (typeof spec !== 'string')
    throw new InvalidPatternError(path, `wildcard must be a string, got ${show(spec)}`);
  const pieces = parse(spec, path);
  return (leaf) => typeof leaf === 'string' && matches(leaf, pieces);
}

/** The literal pieces between wildcards: `a*b*` gives `['a', 'b', '']`. */
function parse(spec: string, path: string): readonly string[] {
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < spec.length; i++) {
    const char = spec.charAt(i);
    if (char === '\\') {
      const next = spec[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidPatternError(path, `wildcard may only escape * or \\, got ${show(spec)}`);
      }
      piece += next;
      i++;
    } else if (char === '*') {
      if (piece === '' && pieces.length > 0) {
        throw new InvalidPatternError(path, `wildcard must not have consecutive *, got ${show(spec)}`);
      }
      pieces.push(piece);
      piece = '';
    } else {
      piece += char;
    }
  }
  pieces.push(piece);
  return pieces;
}

function matches(value: string, pieces: readonly string[]): boolean {
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) {
    return false;
  }
  // The middle pieces, each at its leftmost place after the previous one: leftmost leaves the most
  // room for those that follow, so if any placement works this one does.
  let from = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const at = value.indexOf(piece, from);
    if (at === -1 || at + piece.length > end) return false;
    from = at + piece.length;
  }
  return true;
}
