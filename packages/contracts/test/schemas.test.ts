/** The committed schemas: valid, conventional, compatible through their history, released files intact. */
import avro from 'avsc';
import type { Schema } from 'avsc';
import { contracts, type EventType } from '../src/index.js';
import { checkContracts } from '../tools/check.js';
import { readProblem } from '../tools/compatibility.js';
import { conventionProblems } from '../tools/conventions.js';
import { digest, readReleased } from '../tools/released.js';
import { readSchemaTree } from '../tools/schema-tree.js';
import { samples } from './samples.js';
import { packageRoot } from './support.js';

const tree = readSchemaTree(packageRoot);
const types = tree.types.map((t) => [t.type, t] as const);
const typeOf = (schema: unknown) => avro.Type.forSchema(schema as Schema);

it('reads a well-formed schema tree', () => {
  expect(tree.problems).toEqual([]);
  expect(tree.types.map((t) => t.type).sort()).toEqual(Object.keys(contracts).sort());
});

it('passes the CI check (`pnpm --filter @acme/contracts check`)', () => {
  const result = checkContracts(packageRoot);
  expect(result.problems).toEqual([]);
  expect(result.types).toBe(Object.keys(contracts).length);
});

describe.each(types)('%s', (_type, t) => {
  it('parses with avsc, every revision', () => {
    for (const revision of t.revisions) expect(() => typeOf(revision.schema)).not.toThrow();
  });

  it('follows the conventions (naming, orderId, money, timestamps, docs)', () => {
    expect(conventionProblems(t)).toEqual([]);
  });

  it('has no float or double anywhere', () => {
    expect(JSON.stringify(t.revisions.map((r) => r.schema))).not.toMatch(/"(float|double)"/);
  });

  it('reads data written with every older revision (BACKWARD, transitively)', () => {
    for (const reader of t.revisions) {
      for (const writer of t.revisions.filter((r) => r.number < reader.number)) {
        expect([reader.file, writer.file, readProblem(reader.schema, writer.schema)]).toEqual([
          reader.file,
          writer.file,
          undefined,
        ]);
      }
    }
  });

  it('keeps its released files unchanged and its current revision readable against them', () => {
    const released = readReleased(packageRoot)?.[t.type];
    expect(released).toBeDefined();
    const current = t.revisions.at(-1);
    for (const revision of t.revisions.slice(0, released?.revision ?? 0)) {
      expect(digest(revision.text)).toBe(released?.sha256[revision.file]);
      if (current) expect(readProblem(current.schema, revision.schema)).toBeUndefined();
    }
  });
});

describe.each(Object.keys(samples) as EventType[])('%s sample', (type) => {
  it('round-trips through avsc (encode, decode) unchanged', () => {
    const avroType = typeOf(contracts[type].schema);
    const sample = samples[type];
    expect(avroType.isValid(sample)).toBe(true);
    expect(avroType.fromBuffer(avroType.toBuffer(sample))).toEqual(sample);
  });
});

it('reads OrderConfirmed written with revision 001 as the current revision: paymentId null', () => {
  const [first, current] = contracts['com.acme.order.confirmed.v1'].history;
  const writer = typeOf(first);
  const reader = typeOf(current);
  const bytes = writer.toBuffer({ orderId: 'order-1', confirmedAt: 1_700_000_000_000 });
  expect(reader.fromBuffer(bytes, reader.createResolver(writer))).toEqual({
    orderId: 'order-1',
    confirmedAt: 1_700_000_000_000,
    paymentId: null,
  });
});

it('decodes timestamps as epoch milliseconds (no logical-type hooks)', () => {
  const reader = typeOf(contracts['com.acme.order.shipped.v1'].schema);
  const decoded: unknown = reader.fromBuffer(reader.toBuffer(samples['com.acme.order.shipped.v1']));
  expect(decoded).toEqual({ orderId: 'order-1', shippedAt: Date.UTC(2026, 10, 23, 12, 0, 0) });
});
