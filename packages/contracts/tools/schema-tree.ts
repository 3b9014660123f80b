/**
 * Reads `schemas/<topic>/<ce type>/NNN.avsc`: every event type with its revisions, oldest first.
 * The folder is the source of truth; everything else (types, catalogue, checks) is read from here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AvroRecordSchema } from '../src/avro-schema.js';

/** One frozen revision file of an event type. */
export interface Revision {
  /** 1 for `001.avsc`, … */
  readonly number: number;
  /** File name, e.g. `002.avsc`. */
  readonly file: string;
  /** Path relative to the package, for messages. */
  readonly path: string;
  readonly text: string;
  readonly schema: AvroRecordSchema;
}

/** An event type (CloudEvents `type`) with its topic and every revision of its schema. */
export interface TypeSchemas {
  readonly type: string;
  readonly topic: string;
  readonly revisions: readonly Revision[];
}

export interface SchemaTree {
  readonly types: readonly TypeSchemas[];
  /** Layout and JSON problems; a type with a problem is left out of `types`. */
  readonly problems: readonly string[];
}

const revisionFile = /^(\d{3})\.avsc$/;

/** The package's schemas folder. */
export function schemasDir(packageRoot: string): string {
  return join(packageRoot, 'schemas');
}

/** Lists the schema tree under `packageRoot/schemas`, sorted by topic then type. */
export function readSchemaTree(packageRoot: string): SchemaTree {
  const root = schemasDir(packageRoot);
  const types: TypeSchemas[] = [];
  const problems: string[] = [];
  for (const topic of subdirectories(root)) {
    for (const type of subdirectories(join(root, topic))) {
      const dir = join(root, topic, type);
      const found = readRevisions(packageRoot, dir);
      problems.push(...found.problems);
      if (found.problems.length === 0) types.push({ type, topic, revisions: found.revisions });
    }
  }
  return { types, problems };
}

/** Throws one error listing every problem of the tree; returns its types otherwise. */
export function readSchemaTreeOrThrow(packageRoot: string): readonly TypeSchemas[] {
  const { types, problems } = readSchemaTree(packageRoot);
  if (problems.length > 0) throw new Error(`schemas/ is not valid:\n- ${problems.join('\n- ')}`);
  return types;
}

function subdirectories(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

function readRevisions(packageRoot: string, dir: string): { revisions: Revision[]; problems: string[] } {
  const revisions: Revision[] = [];
  const problems: string[] = [];
  const where = relative(packageRoot, dir);
  const files = readdirSync(dir).sort();
  for (const file of files) {
    const number = Number(revisionFile.exec(file)?.[1]);
    if (!number) {
      problems.push(`${where}/${file}: a revision file is named 001.avsc, 002.avsc, …`);
      continue;
    }
    if (number !== revisions.length + 1) {
      problems.push(`${where}/${file}: revisions are numbered without gaps from 001`);
      continue;
    }
    const path = `${where}/${file}`;
    const text = readFileSync(join(dir, file), 'utf8');
    const schema = parseRecordSchema(text);
    if (typeof schema === 'string') problems.push(`${path}: ${schema}`);
    else revisions.push({ number, file, path, text, schema });
  }
  if (files.length === 0) problems.push(`${where}: has no revision; the first is 001.avsc`);
  return { revisions, problems };
}

/** The schema, or why the text is not the JSON of an Avro record. */
function parseRecordSchema(text: string): AvroRecordSchema | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (
    !isObject(json) ||
    json.type !== 'record' ||
    typeof json.name !== 'string' ||
    !Array.isArray(json.fields)
  )
    return 'an event schema is an Avro record: { "type": "record", "name": …, "fields": [ … ] }';
  return json as unknown as AvroRecordSchema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
