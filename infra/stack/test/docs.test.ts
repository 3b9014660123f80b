/**
 * The README's configuration table is the user's reference: every stack variable must be in it with
 * its real default, and nothing in it may be a variable the stack does not read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackVariables } from '../src/config.js';
import { repoRoot } from '../src/paths.js';

const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Configuration'),
  readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
);
/** `| `NAME` | `default` | meaning |` rows of the configuration table. */
const rows = new Map(
  [...section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|\s*`([^`]*)`\s*\|/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
);

describe('README configuration table', () => {
  it('lists every stack variable with its default', () => {
    for (const [name, validator] of Object.entries(stackVariables)) {
      const fallback = (validator as { parse(v: unknown): string | number | undefined }).parse(undefined);
      const documented: unknown = fallback === undefined ? expect.any(String) : String(fallback);
      expect({ name, default: rows.get(name) }).toEqual({ name, default: documented });
    }
  });

  it('documents no variable the stack does not read', () => {
    expect([...rows.keys()].filter((name) => !(name in stackVariables))).toEqual([]);
  });
});
