import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AvroRecordSchema } from '../src/index.js';

/** The package under test. */
export const packageRoot = join(__dirname, '..');

/** A scratch copy of the package's schemas/ (and released.json), to break on purpose. */
export interface SchemaCopy {
  readonly root: string;
  /** Path of a revision file, e.g. file('order.events', 'com.acme.order.confirmed.v1', '001.avsc'). */
  file(topic: string, type: string, name: string): string;
  read(topic: string, type: string, name: string): AvroRecordSchema;
  write(topic: string, type: string, name: string, schema: unknown): void;
  remove(): void;
}

export function copySchemas(): SchemaCopy {
  const root = mkdtempSync(join(tmpdir(), 'contracts-'));
  cpSync(join(packageRoot, 'schemas'), join(root, 'schemas'), { recursive: true });
  const file = (topic: string, type: string, name: string) => join(root, 'schemas', topic, type, name);
  return {
    root,
    file,
    read: (topic, type, name) =>
      JSON.parse(readFileSync(file(topic, type, name), 'utf8')) as AvroRecordSchema,
    write(topic, type, name, schema) {
      mkdirSync(dirname(file(topic, type, name)), { recursive: true });
      writeFileSync(file(topic, type, name), `${JSON.stringify(schema, null, 2)}\n`);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
