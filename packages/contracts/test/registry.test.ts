/**
 * Contract test against the real schema registry of the stack: every type's whole history registers
 * in order under BACKWARD, and the registry refuses a breaking revision. Subjects carry a run-unique
 * prefix, so runs never collide nor touch the real subjects, and are deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { stackFromEnvironment } from '@acme/testing';
import { contracts, type AvroRecordSchema, type Contract } from '../src/index.js';

const contentType = 'application/vnd.schemaregistry.v1+json';
const host = stackFromEnvironment()?.schemaRegistryUrl ?? '';
const registry = new SchemaRegistry({ host });
const prefix = `contracts-test.${randomUUID().slice(0, 8)}`;

async function send(method: string, path: string, body?: object): Promise<unknown> {
  const response = await fetch(`${host}${path}`, {
    method,
    headers: { 'content-type': contentType },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 404) return undefined; // deleting what is already gone is fine
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A scratch subject with BACKWARD set on it, so the test does not depend on the global setting. */
async function withScratchSubject(
  contract: Contract,
  use: (subject: string) => Promise<void>,
): Promise<void> {
  const subject = encodeURIComponent(`${prefix}.${contract.subject}`);
  await send('PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
  try {
    await use(decodeURIComponent(subject));
  } finally {
    // Confluent's API deletes softly first; the permanent delete frees the name, then its config.
    await send('DELETE', `/subjects/${subject}`);
    await send('DELETE', `/subjects/${subject}?permanent=true`);
    await send('DELETE', `/config/${subject}`);
  }
}

const register = (schema: AvroRecordSchema, subject: string) =>
  registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });

beforeAll(() => {
  if (!host) throw new Error('SCHEMA_REGISTRY_URL is not set: the jest globalSetup provides the stack');
});

describe.each(Object.values(contracts).map((c) => [c.type, c] as const))('%s', (_type, contract) => {
  it('registers every revision in order, and the registry refuses a breaking one', async () => {
    await withScratchSubject(contract, async (subject) => {
      const ids: number[] = [];
      for (const schema of contract.history) ids.push((await register(schema, subject)).id);
      expect(ids).toHaveLength(contract.history.length);
      expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);

      // A new field without a default: a consumer on it could not read anything written before.
      const breaking: AvroRecordSchema = {
        ...contract.schema,
        fields: [
          ...contract.schema.fields,
          { name: 'mandatoryNewField', type: 'string', doc: 'Breaks readers.' },
        ],
      };
      await expect(register(breaking, subject)).rejects.toMatchObject({ status: 409 });
    });
  });
});

it('leaves no scratch subject behind', async () => {
  for (const path of ['/subjects', '/subjects?deleted=true']) {
    const subjects = (await send('GET', path)) as string[];
    expect(subjects.filter((s) => s.startsWith(prefix))).toEqual([]);
  }
});
