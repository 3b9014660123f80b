/**
 * Stack configuration: defaults, environment overrides, validation errors that name the culprit,
 * directory resolution and the client endpoints derived from it. Pure functions — no daemons.
 */
import { join } from 'node:path';
import pg from 'pg';
import { endpoints, loadStackConfig, StackConfigError } from '../src/config.js';
import { repoRoot } from '../src/paths.js';

const root = repoRoot();

/** The StackConfigError `env` produces; fails the test when it loads or throws something else. */
function configError(env: NodeJS.ProcessEnv): StackConfigError {
  try {
    loadStackConfig(env);
  } catch (error) {
    if (error instanceof StackConfigError) return error;
    throw error;
  }
  throw new Error(`expected a StackConfigError for ${JSON.stringify(env)}`);
}

describe('loadStackConfig defaults', () => {
  const config = loadStackConfig({});

  it('uses the documented ports', () => {
    expect(config).toMatchObject({
      KAFKA_PORT: 19092,
      KAFKA_CONTROLLER_PORT: 19093,
      SCHEMA_REGISTRY_PORT: 18081,
      POSTGRES_PORT: 15432,
      JAEGER_QUERY_PORT: 16686,
      JAEGER_OTLP_GRPC_PORT: 4317,
      JAEGER_OTLP_HTTP_PORT: 4318,
      JAEGER_ADMIN_PORT: 14269,
      JAEGER_QUERY_GRPC_PORT: 16685,
      JAEGER_COLLECTOR_GRPC_PORT: 14250,
      PROMETHEUS_PORT: 19090,
    });
  });

  it('uses the default versions and Postgres credentials', () => {
    expect(config).toMatchObject({
      KAFKA_VERSION: '4.4.0',
      APICURIO_VERSION: '3.0.9',
      POSTGRES_VERSION: '15',
      JAEGER_VERSION: '1.45.0',
      PROMETHEUS_VERSION: '2.42',
      POSTGRES_USER: 'acme',
      POSTGRES_PASSWORD: 'acme',
    });
  });

  it('keeps its state in .stack at the repository root, the cache under it', () => {
    const stackDir = join(root, '.stack');
    expect(config.root).toBe(root);
    expect(config.stackDir).toBe(stackDir);
    expect(config.cacheDir).toBe(join(stackDir, 'cache'));
    expect(config.dataDir).toBe(join(stackDir, 'data'));
    expect(config.logDir).toBe(join(stackDir, 'logs'));
    expect(config.runDir).toBe(join(stackDir, 'run'));
    expect(config.confDir).toBe(join(stackDir, 'conf'));
  });
});

describe('loadStackConfig overrides', () => {
  it('coerces port variables from strings to numbers', () => {
    const config = loadStackConfig({
      KAFKA_PORT: '29092',
      SCHEMA_REGISTRY_PORT: '28081',
      POSTGRES_PORT: '25432',
      JAEGER_OTLP_HTTP_PORT: '24318',
      PROMETHEUS_PORT: '29090',
    });
    expect(config.KAFKA_PORT).toBe(29092);
    expect(config.SCHEMA_REGISTRY_PORT).toBe(28081);
    expect(config.POSTGRES_PORT).toBe(25432);
    expect(config.JAEGER_OTLP_HTTP_PORT).toBe(24318);
    expect(config.PROMETHEUS_PORT).toBe(29090);
    // Untouched variables keep their defaults.
    expect(config.KAFKA_CONTROLLER_PORT).toBe(19093);
  });

  it('accepts the extreme valid ports 1 and 65535', () => {
    expect(loadStackConfig({ KAFKA_PORT: '1', POSTGRES_PORT: '65535' })).toMatchObject({
      KAFKA_PORT: 1,
      POSTGRES_PORT: 65535,
    });
  });

  it('takes versions and credentials as given', () => {
    expect(
      loadStackConfig({ KAFKA_VERSION: '4.1.0', POSTGRES_USER: 'orders', POSTGRES_PASSWORD: 's3cret' }),
    ).toMatchObject({ KAFKA_VERSION: '4.1.0', POSTGRES_USER: 'orders', POSTGRES_PASSWORD: 's3cret' });
  });

  it('ignores unrelated environment variables', () => {
    expect(loadStackConfig({ PATH: '/usr/bin', HOME: '/root' }).KAFKA_PORT).toBe(19092);
  });
});

describe('loadStackConfig validation', () => {
  it.each([
    ['not a number', 'abc'],
    ['above 65535', '70000'],
    ['zero', '0'],
    ['negative', '-1'],
    ['fractional', '19092.5'],
    ['hexadecimal', '0x4a38'],
    ['in exponent notation', '1e4'],
  ])('rejects a port that is %s, naming the variable', (_what, value) => {
    const error = configError({ KAFKA_PORT: value });
    expect(error).toBeInstanceOf(StackConfigError);
    expect(error.name).toBe('StackConfigError');
    expect(error.message).toMatch(/^invalid stack configuration:/);
    expect(error.message).toMatch(/^ {2}KAFKA_PORT: /m);
  });

  it('names only the invalid variables, every one of them', () => {
    const error = configError({ POSTGRES_PORT: '99999', PROMETHEUS_PORT: 'http', KAFKA_PORT: '19092' });
    expect(error.message).toMatch(/^ {2}POSTGRES_PORT: /m);
    expect(error.message).toMatch(/^ {2}PROMETHEUS_PORT: /m);
    expect(error.message).not.toContain('KAFKA_PORT');
  });

  it('treats an empty variable as unset, like ${VAR:-default} in docker-compose.yml', () => {
    const config = loadStackConfig({
      POSTGRES_PASSWORD: '',
      KAFKA_PORT: '',
      STACK_DIR: '',
      STACK_CACHE_DIR: '',
    });
    expect(config.POSTGRES_PASSWORD).toBe('acme');
    expect(config.KAFKA_PORT).toBe(19092);
    // Never the repository root itself: `reset` deletes data/, logs/, conf/ and run/ under it.
    expect(config.stackDir).toBe(join(root, '.stack'));
    expect(config.cacheDir).toBe(join(root, '.stack', 'cache'));
  });
});

describe('loadStackConfig directories', () => {
  it('resolves a relative STACK_DIR under the repository root', () => {
    const config = loadStackConfig({ STACK_DIR: 'tmp/my-stack' });
    expect(config.stackDir).toBe(join(root, 'tmp', 'my-stack'));
    expect(config.cacheDir).toBe(join(root, 'tmp', 'my-stack', 'cache'));
    expect(config.dataDir).toBe(join(root, 'tmp', 'my-stack', 'data'));
  });

  it('keeps an absolute STACK_DIR as it is', () => {
    const config = loadStackConfig({ STACK_DIR: '/var/tmp/acme-stack' });
    expect(config.stackDir).toBe('/var/tmp/acme-stack');
    expect(config.cacheDir).toBe('/var/tmp/acme-stack/cache');
    expect(config.logDir).toBe('/var/tmp/acme-stack/logs');
  });

  it('moves the cache with STACK_CACHE_DIR (relative to the repository root), state stays put', () => {
    const relative = loadStackConfig({ STACK_CACHE_DIR: 'shared-cache' });
    expect(relative.cacheDir).toBe(join(root, 'shared-cache'));
    expect(relative.stackDir).toBe(join(root, '.stack'));

    const absolute = loadStackConfig({ STACK_DIR: '/var/tmp/s', STACK_CACHE_DIR: '/var/cache/acme' });
    expect(absolute.cacheDir).toBe('/var/cache/acme');
    expect(absolute.dataDir).toBe('/var/tmp/s/data');
  });
});

describe('endpoints', () => {
  it('gives loopback addresses on the default ports', () => {
    const config = loadStackConfig({ STACK_DIR: '/var/tmp/s' });
    expect(endpoints(config)).toEqual({
      KAFKA_BROKERS: '127.0.0.1:19092',
      KAFKA_SASL_SSL_BROKERS: '127.0.0.1:19094',
      KAFKA_TLS_CA_FILE: '/var/tmp/s/data/kafka-tls/ca.pem',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
      DATABASE_URL: 'postgres://acme:acme@127.0.0.1:15432',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      JAEGER_QUERY_URL: 'http://127.0.0.1:16686',
      PROMETHEUS_URL: 'http://127.0.0.1:19090',
      PROMETHEUS_TARGETS_DIR: '/var/tmp/s/conf/prometheus/targets',
    });
  });

  it('passes the registry credentials on when basic auth is configured, and wants both', () => {
    const e = endpoints(
      loadStackConfig({ SCHEMA_REGISTRY_USERNAME: 'sr', SCHEMA_REGISTRY_PASSWORD: 'long-enough' }),
    );
    expect(e).toMatchObject({ SCHEMA_REGISTRY_USERNAME: 'sr', SCHEMA_REGISTRY_PASSWORD: 'long-enough' });
    expect(() => loadStackConfig({ SCHEMA_REGISTRY_USERNAME: 'sr' })).toThrow(
      /SCHEMA_REGISTRY_PASSWORD: set both SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD/,
    );
    expect(() => loadStackConfig({ KAFKA_SASL_PASSWORD: 'has space' })).toThrow(/KAFKA_SASL_PASSWORD/);
  });

  it('follows port overrides', () => {
    const e = endpoints(
      loadStackConfig({
        KAFKA_PORT: '29092',
        SCHEMA_REGISTRY_PORT: '28081',
        POSTGRES_PORT: '25432',
        JAEGER_OTLP_HTTP_PORT: '24318',
        JAEGER_QUERY_PORT: '26686',
        PROMETHEUS_PORT: '29090',
      }),
    );
    expect(e.KAFKA_BROKERS).toBe('127.0.0.1:29092');
    expect(e.SCHEMA_REGISTRY_URL).toBe('http://127.0.0.1:28081/apis/ccompat/v7');
    expect(e.DATABASE_URL).toBe('postgres://acme:acme@127.0.0.1:25432');
    expect(e.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:24318');
    expect(e.JAEGER_QUERY_URL).toBe('http://127.0.0.1:26686');
    expect(e.PROMETHEUS_URL).toBe('http://127.0.0.1:29090');
  });

  it('serves the Confluent-compatible registry API path', () => {
    const url = new URL(endpoints(loadStackConfig({})).SCHEMA_REGISTRY_URL);
    expect(url.pathname).toBe('/apis/ccompat/v7');
    expect(url.host).toBe('127.0.0.1:18081');
  });

  describe('DATABASE_URL with special characters in the credentials', () => {
    const user = 'ops@acme';
    const password = 'p@ss:w/rd#?% &=1';
    const url = endpoints(loadStackConfig({ POSTGRES_USER: user, POSTGRES_PASSWORD: password })).DATABASE_URL;

    it('percent-encodes user and password', () => {
      expect(url).toBe('postgres://ops%40acme:p%40ss%3Aw%2Frd%23%3F%25%20%26%3D1@127.0.0.1:15432');
    });

    it('parses back to the same credentials, host and port (WHATWG URL)', () => {
      const parsed = new URL(url);
      expect(parsed.protocol).toBe('postgres:');
      expect(decodeURIComponent(parsed.username)).toBe(user);
      expect(decodeURIComponent(parsed.password)).toBe(password);
      expect(parsed.hostname).toBe('127.0.0.1');
      expect(parsed.port).toBe('15432');
      expect(parsed.pathname).toBe('');
    });

    it('is understood by the pg client with a database appended (no connection made)', () => {
      const client = new pg.Client({ connectionString: `${url}/orders` });
      expect(client.user).toBe(user);
      expect(client.password).toBe(password);
      expect(client.host).toBe('127.0.0.1');
      expect(client.port).toBe(15432);
      expect(client.database).toBe('orders');
    });
  });
});
