import { Kafka, logLevel } from 'kafkajs';
import { testStack, type TestStack } from '@acme/testing';
import { jaegerSpan, kafkaAvroRoundTrip, kyselyRoundTrip, prometheusScrape } from './flow.js';

let stack: TestStack;

beforeAll(() => {
  stack = testStack();
});

describe('smoke: the real stack', () => {
  it('round-trips an Avro message through Kafka and the registry, rejecting a breaking schema change', async () => {
    const result = await kafkaAvroRoundTrip(stack);
    expect(result.received).toEqual(result.sent);
    expect(result.wireHeader).toEqual({ magic: 0, schemaId: result.schemaId });
    expect(result.breakingChangeRejected).toBe(true);
    expect(result.breakingChangeError).toMatch(/incompatible|409|compatib/i);

    // …and leaves neither its topic nor its subject behind on a long-lived stack.
    const subjects = (await (await fetch(`${stack.schemaRegistryUrl}/subjects`)).json()) as string[];
    expect(subjects).not.toContain(result.subject);
    const admin = new Kafka({ brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(result.topic);
    } finally {
      await admin.disconnect();
    }
  });

  it('writes and reads a row through kysely on Postgres', async () => {
    await expect(kyselyRoundTrip(stack, 'kysely1')).resolves.toEqual({ id: 'kysely1', amountMinor: '1999' });
  });

  it('returns a span sent over OTLP from the Jaeger query API', async () => {
    const found = await jaegerSpan(stack, 'jaeger1');
    expect(found).toMatchObject({ service: 'smoke-jaeger1', operation: 'smoke.ping' });
    expect(found.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('scrapes a metric into Prometheus', async () => {
    const sample = await prometheusScrape(stack);
    expect(sample).toMatchObject({ value: 42, job: 'services' });
  });
});
