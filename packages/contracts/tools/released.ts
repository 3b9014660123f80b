/**
 * `schemas/released.json`: per event type, the last released revision and the sha256 of every
 * released file. A released file may have reached a registry and a topic, so it is frozen; the
 * digests prove its content has not changed since.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReleasedType {
  /** The last released revision (2 for `002.avsc`). */
  readonly revision: number;
  /** sha256 of each released file, by file name (`001.avsc`, …). */
  readonly sha256: Readonly<Record<string, string>>;
}

/** What was released, by CloudEvents type. */
export type Released = Readonly<Record<string, ReleasedType>>;

export function releasedPath(packageRoot: string): string {
  return join(packageRoot, 'schemas', 'released.json');
}

/** The revision's file name: 1 → `001.avsc`. */
export function revisionFileName(revision: number): string {
  return `${String(revision).padStart(3, '0')}.avsc`;
}

/**
 * sha256 of a schema file's JSON without its whitespace: the content (names, types, docs, order) is
 * frozen, the layout is Prettier's to change. Text that is not JSON is hashed as it is.
 */
export function digest(text: string): string {
  let canonical = text;
  try {
    canonical = JSON.stringify(JSON.parse(text));
  } catch {
    // not JSON: the tree check reports it; hash the text so the digest still tells a change
  }
  return createHash('sha256').update(canonical).digest('hex');
}

/** The released record, `undefined` when the file does not exist; throws when it is malformed. */
export function readReleased(packageRoot: string): Released | undefined {
  const path = releasedPath(packageRoot);
  if (!existsSync(path)) return undefined;
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const malformed = (why: string) => new Error(`schemas/released.json is malformed: ${why}`);
  if (!isRecord(json)) throw malformed('expected an object by event type');
  for (const [type, entry] of Object.entries(json)) {
    if (!isRecord(entry) || !Number.isInteger(entry.revision) || !isRecord(entry.sha256))
      throw malformed(`${type}: expected { "revision": n, "sha256": { "001.avsc": "…", … } }`);
    const revision = entry.revision as number;
    const expected = Array.from({ length: revision }, (_, i) => revisionFileName(i + 1));
    const files = Object.keys(entry.sha256).sort();
    if (revision < 1 || files.join() !== expected.join())
      throw malformed(`${type}: sha256 must list exactly ${expected.join(', ')}`);
  }
  return json as Released;
}

/** Writes the record with sorted keys, one value per line (stable diffs, Prettier-clean). */
export function writeReleased(packageRoot: string, released: Released): void {
  const sorted = Object.fromEntries(Object.entries(released).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(releasedPath(packageRoot), `${JSON.stringify(sorted, null, 2)}\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
