/**
 * Kafka over SASL_SSL (SCRAM, a certificate from the stack's own CA) and a schema registry behind
 * basic auth, by configuration only: the smoke flow and the whole order lifecycle run over them; a
 * wrong password or an unverifiable certificate fails at once with a clear error; no secret
 * reaches a log.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuthorization, loadStackConfig } from '@acme/stack';
import { scratchDatabase, stackEnvironment, testStack, type ScratchDatabase } from '@acme/testing';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { kafkaAvroRoundTrip } from '../smoke/flow.js';
import { orderFor } from '../system/api.js';
import { freePort, startService } from '../system/service-process.js';
import { runLogDir } from '../system/system.js';
import { systemWorld, type SystemWorld } from '../system/world.js';
import { startSecuredRegistry, type SecuredRegistry } from './secured-registry.js';

const stack = testStack();
const stackConfig = loadStackConfig(process.env);
const secure = stack.kafkaSaslSsl;
if (!secure)
  throw new Error('the stack exports no SASL_SSL listener (KAFKA_SASL_SSL_BROKERS, KAFKA_TLS_CA_FILE)');
const ca = readFileSync(secure.caFile, 'utf8');
const sasl = (password = stackConfig.KAFKA_SASL_PASSWORD): SASLOptions => ({
  mechanism: 'scram-sha-512',
  username: stackConfig.KAFKA_SASL_USERNAME,
  password,
});
const wrongPassword = `wrong-${stackConfig.KAFKA_SASL_PASSWORD}-x`;

let registry: SecuredRegistry;
let secrets: string;
/** The services' settings: secrets from files, as a deployment would mount them. */
let secureEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  registry = await startSecuredRegistry();
  secrets = mkdtempSync(join(tmpdir(), 'secrets-'));
  const secretFile = (name: string, value: string) => {
    const file = join(secrets, name);
    writeFileSync(file, `${value}\n`);
    chmodSync(file, 0o600);
    return file;
  };
  secureEnv = {
    KAFKA_BROKERS: secure.brokers.join(','),
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: stackConfig.KAFKA_SASL_USERNAME,
    KAFKA_SASL_PASSWORD_FILE: secretFile('kafka-password', stackConfig.KAFKA_SASL_PASSWORD),
    KAFKA_SSL_CA_FILE: secure.caFile,
    SCHEMA_REGISTRY_URL: registry.url,
    SCHEMA_REGISTRY_USERNAME: registry.username,
    SCHEMA_REGISTRY_PASSWORD_FILE: secretFile('registry-password', registry.password),
  };
}, 180_000);

afterAll(async () => {
  await registry.stop();
  rmSync(secrets, { recursive: true, force: true });
}, 60_000);

describe('by configuration', () => {
  it('runs the smoke flow over SASL_SSL and through a registry that takes basic auth', async () => {
    const result = await kafkaAvroRoundTrip(stack, undefined, {
      kafka: { brokers: secure.brokers, ssl: { ca: [ca] }, sasl: sasl() },
      registry: { host: registry.url, auth: { username: registry.username, password: registry.password } },
    });
    expect(result.received).toEqual(result.sent);
    expect(result.wireHeader).toEqual({ magic: 0, schemaId: result.schemaId });
    expect(result.breakingChangeRejected).toBe(true);
  }, 120_000);

  it('answers 401 from the registry to no credentials and to wrong ones', async () => {
    const subjects = (authorization?: string) =>
      fetch(`${registry.url}/subjects`, { headers: authorization ? { authorization } : {} }).then(
        (r) => r.status,
      );
    expect(await subjects()).toBe(401);
    expect(await subjects(basicAuthorization(registry.username, `${registry.password}x`))).toBe(401);
    expect(await subjects(basicAuthorization(registry.username, registry.password))).toBe(200);
  });

  it('refuses a wrong password at once, saying SASL authentication failed (and not what the password was)', async () => {
    const admin = new Kafka({
      clientId: 'sasl-wrong',
      brokers: secure.brokers,
      logLevel: logLevel.NOTHING,
      ssl: { ca: [ca] },
      sasl: sasl(wrongPassword),
    }).admin();
    const failure = await admin.connect().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    await admin.disconnect();
    expect(failure?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(failure?.message).toMatch(/SCRAM SHA512 authentication failed/);
    expect(failure?.message).not.toContain(wrongPassword);
  });

  it('refuses to trust the broker without the stack CA (its certificate is not a public one)', async () => {
    const admin = new Kafka({
      clientId: 'sasl-untrusted',
      brokers: secure.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      ssl: true,
      sasl: sasl(),
    }).admin();
    const failure = await admin.connect().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    await admin.disconnect();
    expect(failure?.message).toMatch(/certificate/i);
  });

  it.each([
    [
      'a wrong Kafka password',
      () => ({ KAFKA_SASL_PASSWORD_FILE: undefined, KAFKA_SASL_PASSWORD: wrongPassword }),
      /SASL SCRAM SHA512 authentication failed/,
      '"hint":"Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME',
    ],
    [
      'a wrong registry password',
      () => ({ SCHEMA_REGISTRY_PASSWORD_FILE: undefined, SCHEMA_REGISTRY_PASSWORD: wrongPassword }),
      /401|Unauthorized/,
      '"hint":"the schema registry refused the request: check SCHEMA_REGISTRY_USERNAME',
    ],
  ])(
    'stops a service that has %s, saying why and what to check, and not what the password was',
    async (_, wrong, symptom, hint) => {
      let scratch: ScratchDatabase | undefined;
      const logDir = runLogDir(stackConfig.stackDir, 'kafka-sasl-wrong');
      try {
        scratch = await scratchDatabase(stack, 'e2e_inventory');
        const failure = await startService({
          name: 'inventory',
          port: await freePort(),
          logDir,
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'production',
            ...stackEnvironment(stack),
            ...secureEnv,
            ...wrong(),
            DATABASE_NAME: scratch.name,
            AUTH_JWT_SECRET: 'a-secret-only-this-test-knows-0123456789',
            OTEL_SDK_DISABLED: 'true',
          },
        }).then(
          async (service) => {
            await service.stop();
            return undefined;
          },
          (error: unknown) => error as Error,
        );
        expect(failure?.message).toMatch(/exited \(code 1\) before it was ready/);
        const log = readFileSync(join(logDir, 'inventory.log'), 'utf8');
        const fatal = log.split('\n').find((line) => line.includes('service failed to start')) ?? '';
        expect(fatal).toMatch(symptom);
        expect(fatal).toContain(hint);
        expect(log).not.toContain(wrongPassword);
      } finally {
        await scratch?.drop();
      }
    },
    90_000,
  );
});

describe('the order lifecycle, every service on SASL_SSL and the secured registry', () => {
  let world: SystemWorld | undefined;
  afterAll(async () => {
    await world?.close();
  }, 120_000);

  it('confirms an order, and no secret reaches a service log', async () => {
    world = await systemWorld('kafka-sasl', {}, { env: secureEnv });
    const sku = `SASL-${Date.now()}`;
    await world.seed(sku, 5);
    const placed = await world.placeWhenKnown(orderFor(sku, 'tok_ok'));
    expect(placed.status).toBe(201);
    const order = await world.settled(placed.body.orderId);
    expect(order.status).toBe('confirmed');

    const logs = Object.values(world.system.services)
      .map((s) => readFileSync(s.logFile, 'utf8'))
      .join('\n');
    expect(logs).not.toContain(stackConfig.KAFKA_SASL_PASSWORD);
    expect(logs).not.toContain(registry.password);
  }, 240_000);
});
