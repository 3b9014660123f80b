/**
 * The smoke flow: one real round trip through every part of the stack. The smoke suite asserts on
 * what each step returns; `pnpm demo` runs the same steps and prints them.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { basicAuthorization } from '@acme/stack';
import { databaseUrl, eventually, type TestStack } from '@acme/testing';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { Kysely, PostgresDialect, sql, type Generated } from 'kysely';
import pg from 'pg';
import { Gauge, Registry } from 'prom-client';

/** A short unique suffix so concurrent runs never share a topic, subject, schema or metric. */
export const runId = (): string => randomUUID().slice(0, 8);

const pingSchema = {
  type: 'record',
  name: 'Ping',
  namespace: 'com.acme.smoke',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amountMinor', type: 'long' },
  ],
};

export interface Ping {
  id: string;
  amountMinor: number;
}

export interface KafkaRoundTrip {
  topic: string;
  subject: string;
  schemaId: number;
  /** Wire bytes start with the Confluent magic byte 0 and the schema id. */
  wireHeader: { magic: number; schemaId: number };
  sent: Ping;
  received: Ping;
  breakingChangeRejected: boolean;
  breakingChangeError: string;
}

/** How the smoke flow reaches Kafka and the registry when not over the stack's plain endpoints. */
export interface SmokeConnection {
  kafka?: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>;
  registry?: { host: string; auth?: { username: string; password: string } };
}

/**
 * Create a topic, register an Avro schema (topic + record-name subject), have a breaking change
 * rejected under BACKWARD compatibility, produce with an idempotent producer (acks=all), consume
 * and decode.
 */
export async function kafkaAvroRoundTrip(
  stack: TestStack,
  id = runId(),
  connection: SmokeConnection = {},
): Promise<KafkaRoundTrip> {
  const kafka = new Kafka({
    clientId: `smoke-${id}`,
    // kafkajs logs the retriable "coordinator not available" of a brand-new group at ERROR level;
    // real failures surface as rejected promises, so the logger only adds noise here.
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    ...connection.kafka,
  });
  const registry = new SchemaRegistry({ host: stack.schemaRegistryUrl, ...connection.registry });
  const topic = `smoke.${id}`;
  const subject = `${topic}-com.acme.smoke.Ping`;

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();

  const { id: schemaId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(pingSchema) },
    { subject },
  );

  // A new required field without a default cannot read old data: BACKWARD must refuse it.
  const breaking = { ...pingSchema, fields: [...pingSchema.fields, { name: 'currency', type: 'string' }] };
  let breakingChangeError = '';
  try {
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject });
  } catch (error) {
    breakingChangeError = (error as Error).message;
  }

  const sent: Ping = { id, amountMinor: 1999 };
  const value = await registry.encode(schemaId, sent);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: id, value }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `smoke-${id}` });
  let raw: Buffer | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        raw = message.value ?? undefined;
        return Promise.resolve();
      },
    });
    const bytes = await eventually(() => Promise.resolve(raw), {
      description: `a message on ${topic}`,
      timeoutMs: 60_000,
    });
    const received = (await registry.decode(bytes)) as Ping;
    return {
      topic,
      subject,
      schemaId,
      wireHeader: { magic: bytes.readUInt8(0), schemaId: bytes.readInt32BE(1) },
      sent,
      received,
      breakingChangeRejected: breakingChangeError !== '',
      breakingChangeError,
    };
  } finally {
    await consumer.disconnect();
    await removeSmokeTraces(
      kafka,
      connection.registry ?? { host: stack.schemaRegistryUrl },
      topic,
      `smoke-${id}`,
      subject,
    );
  }
}

/** A long-lived stack should not collect a topic, group and subject per smoke run. */
async function removeSmokeTraces(
  kafka: Kafka,
  registry: NonNullable<SmokeConnection['registry']>,
  topic: string,
  groupId: string,
  subject: string,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
  // Confluent API: a soft delete first, then the permanent one.
  for (const query of ['', '?permanent=true']) {
    const response = await fetch(`${registry.host}/subjects/${encodeURIComponent(subject)}${query}`, {
      method: 'DELETE',
      headers: registry.auth
        ? { authorization: basicAuthorization(registry.auth.username, registry.auth.password) }
        : {},
    });
    if (!response.ok)
      throw new Error(`deleting subject ${subject}: HTTP ${response.status} ${await response.text()}`);
  }
}

interface SmokeDatabase {
  pings: { id: string; amount_minor: string; created_at: Generated<Date> };
}

/** Create a scratch schema in the orders database, write and read a row through kysely, drop it. */
export async function kyselyRoundTrip(
  stack: TestStack,
  id = runId(),
): Promise<{ id: string; amountMinor: string }> {
  const schema = `smoke_${id}`;
  const db = new Kysely<SmokeDatabase>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: databaseUrl(stack, 'orders'), max: 2 }),
    }),
  });
  try {
    await db.schema.createSchema(schema).execute();
    const scoped = db.withSchema(schema);
    await scoped.schema
      .createTable('pings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await scoped.insertInto('pings').values({ id, amount_minor: '1999' }).execute();
    const row = await scoped
      .selectFrom('pings')
      .select(['id', 'amount_minor'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return { id: row.id, amountMinor: row.amount_minor };
  } finally {
    await db.schema.dropSchema(schema).ifExists().cascade().execute();
    await db.destroy();
  }
}

interface JaegerTraceResponse {
  data: {
    traceID: string;
    spans: { operationName: string; processID: string }[];
    processes: Record<string, { serviceName: string }>;
  }[];
}

/** Export one span over OTLP/HTTP and read it back from the Jaeger query API. */
export async function jaegerSpan(
  stack: TestStack,
  id = runId(),
): Promise<{ traceId: string; service: string; operation: string }> {
  const service = `smoke-${id}`;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [
      new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${stack.otlpEndpoint}/v1/traces` })),
    ],
  });
  const span = provider.getTracer('smoke').startSpan('smoke.ping');
  const traceId = span.spanContext().traceId;
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  trace.disable();

  const found = await eventually(
    async () => {
      const response = await fetch(`${stack.jaegerQueryUrl}/api/traces/${traceId}`);
      if (response.status !== 200) return undefined;
      const body = (await response.json()) as JaegerTraceResponse;
      const t = body.data[0];
      const s = t?.spans[0];
      return t && s
        ? {
            traceId: t.traceID,
            service: t.processes[s.processID]?.serviceName ?? '',
            operation: s.operationName,
          }
        : undefined;
    },
    { description: `trace ${traceId} in Jaeger`, timeoutMs: 30_000 },
  );
  return found;
}

interface PrometheusQueryResponse {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** Expose a gauge over HTTP, register it as a scrape target, and read it back through PromQL. */
export async function prometheusScrape(
  stack: TestStack,
  id = runId(),
): Promise<{ query: string; value: number; job: string }> {
  if (!stack.prometheusTargetsDir)
    throw new Error('PROMETHEUS_TARGETS_DIR is not set: cannot register a scrape target');
  const registry = new Registry();
  const gauge = new Gauge({
    name: 'acme_smoke_ping',
    help: 'Set by the smoke flow',
    labelNames: ['run'],
    registers: [registry],
  });
  gauge.set({ run: id }, 42);
  const server: Server = createServer((_req, res) => {
    void registry.metrics().then((body) => {
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  mkdirSync(stack.prometheusTargetsDir, { recursive: true });
  const targetFile = join(stack.prometheusTargetsDir, `smoke-${id}.json`);
  writeFileSync(
    targetFile,
    JSON.stringify([{ targets: [`127.0.0.1:${port}`], labels: { service: `smoke-${id}` } }]),
  );
  const query = `acme_smoke_ping{run="${id}"}`;
  try {
    return await eventually(
      async () => {
        const response = await fetch(
          `${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`,
        );
        const body = (await response.json()) as PrometheusQueryResponse;
        const sample = body.data.result[0];
        return sample ? { query, value: Number(sample.value[1]), job: sample.metric.job ?? '' } : undefined;
      },
      { description: `${query} in Prometheus`, timeoutMs: 60_000, intervalMs: 500 },
    );
  } finally {
    rmSync(targetFile, { force: true });
    await new Promise((resolve) => server.close(resolve));
  }
}
