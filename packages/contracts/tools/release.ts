import { checkAgainst } from './check.js';
import { digest, readReleased, writeReleased, type Released } from './released.js';
import { readSchemaTreeOrThrow } from './schema-tree.js';

/**
 * Marks every revision in schemas/ as released: records its sha256 in `schemas/released.json`, after
 * which the file is frozen. Refuses while the check finds a problem. Returns what it newly released
 * (`<type> <file>`); commit released.json with the schemas.
 *
 * @example
 * release(packageRoot); // ['com.acme.order.confirmed.v1 003.avsc']
 */
export function release(packageRoot: string): readonly string[] {
  const { problems, unreleased } = checkAgainst(packageRoot, readReleased(packageRoot) ?? {});
  if (problems.length > 0) throw new Error(`cannot release, fix these first:\n- ${problems.join('\n- ')}`);
  const next: Released = Object.fromEntries(
    readSchemaTreeOrThrow(packageRoot).map((t) => [
      t.type,
      {
        revision: t.revisions.length,
        sha256: Object.fromEntries(t.revisions.map((r) => [r.file, digest(r.text)])),
      },
    ]),
  );
  writeReleased(packageRoot, next);
  return unreleased;
}
