/**
 * The contracts check CI runs (`pnpm --filter @acme/contracts check`) and the unit tests call:
 * conventions, every revision able to read every older one, and released files unchanged.
 */
import { readProblem } from './compatibility.js';
import { conventionProblems } from './conventions.js';
import { digest, readReleased, revisionFileName, type Released } from './released.js';
import { readSchemaTree, type TypeSchemas } from './schema-tree.js';

export interface CheckResult {
  readonly types: number;
  readonly revisions: number;
  /** One message per problem; empty when the check passes. */
  readonly problems: readonly string[];
  /** Revisions not in released.json yet (`<type> 002.avsc`): still free to change. */
  readonly unreleased: readonly string[];
}

/**
 * Checks the schemas of the package at `packageRoot` against its `schemas/released.json`.
 *
 * @example
 * const { problems } = checkContracts(packageRoot);
 * if (problems.length) process.exitCode = 1;
 */
export function checkContracts(packageRoot: string): CheckResult {
  const released = readReleased(packageRoot);
  const result = checkAgainst(packageRoot, released ?? {});
  if (released) return result;
  const missing = 'schemas/released.json is missing: run `pnpm --filter @acme/contracts release`';
  return { ...result, problems: [missing, ...result.problems] };
}

/** The check, with `released` as what was released so far. */
export function checkAgainst(packageRoot: string, released: Released): CheckResult {
  const tree = readSchemaTree(packageRoot);
  const problems = [...tree.problems];
  const unreleased: string[] = [];
  for (const t of tree.types) {
    const releasedUpTo = released[t.type]?.revision ?? 0;
    problems.push(...conventionProblems(t), ...historyProblems(t, releasedUpTo));
    unreleased.push(...t.revisions.filter((r) => r.number > releasedUpTo).map((r) => `${t.type} ${r.file}`));
  }
  problems.push(...releasedProblems(tree.types, released));
  const revisions = tree.types.reduce((n, t) => n + t.revisions.length, 0);
  return { types: tree.types.length, revisions, problems, unreleased };
}

/**
 * Every revision must read data written with every older one (BACKWARD, transitively): a consumer
 * on the newest revision still meets old messages in the topic, and the event store replays old
 * events. This includes the current revision against the last released one.
 */
function historyProblems(t: TypeSchemas, releasedUpTo: number): string[] {
  const problems: string[] = [];
  for (const reader of t.revisions) {
    for (const writer of t.revisions.filter((r) => r.number < reader.number)) {
      const why = readProblem(reader.schema, writer.schema);
      const label = writer.number === releasedUpTo ? 'the last released revision ' : '';
      if (why)
        problems.push(
          `${reader.path} is not BACKWARD compatible with ${label}${writer.file} ` +
            `(a reader of ${reader.file} cannot read data written with ${writer.file}: ${why}); ` +
            'give new fields a default, or make the change a new type',
        );
    }
  }
  return problems;
}

/** Released types still exist, and their released files are byte for byte what was released. */
function releasedProblems(types: readonly TypeSchemas[], released: Released): string[] {
  const problems: string[] = [];
  for (const [type, entry] of Object.entries(released)) {
    const t = types.find((candidate) => candidate.type === type);
    if (!t) {
      problems.push(`${type} was released and its folder is gone: a released type is never removed`);
      continue;
    }
    for (let number = 1; number <= entry.revision; number++) {
      const file = revisionFileName(number);
      const revision = t.revisions.find((r) => r.file === file);
      if (!revision) {
        problems.push(`${type}: released revision ${file} is missing: released revisions are never deleted`);
      } else if (digest(revision.text) !== entry.sha256[file]) {
        problems.push(
          `${revision.path} changed after it was released (sha256 differs from schemas/released.json): ` +
            'released revisions are frozen, add a new revision instead',
        );
      }
    }
  }
  return problems;
}
