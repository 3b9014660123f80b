import avro from 'avsc';
import type { Schema } from 'avsc';
import type { AvroRecordSchema } from '../src/avro-schema.js';

/**
 * Why a consumer reading with `reader` cannot read data written with `writer`, or `undefined` when
 * it can — the registry's BACKWARD rule, decided by Avro schema resolution (avsc `createResolver`,
 * which refuses a new field without default, a narrowed type, a removed enum symbol without enum
 * default, a renamed record, …).
 *
 * @example
 * readProblem(revision2, revision1); // undefined: revision 2 only added a field with a default
 */
export function readProblem(reader: AvroRecordSchema, writer: AvroRecordSchema): string | undefined {
  try {
    avro.Type.forSchema(reader as Schema).createResolver(avro.Type.forSchema(writer as Schema));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
