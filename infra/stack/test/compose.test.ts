/**
 * docker-compose.yml cannot run on machines without a Docker engine, so it is checked statically:
 * valid against the Compose Specification's JSON schema, and the same stack as the native one —
 * same part names, same port variables with the same defaults, same databases, same broker
 * settings, same Prometheus jobs. A change to one stack that forgets the other fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { databases, stackVariables } from '../src/config.js';
import { repoRoot } from '../src/paths.js';
import { partNames } from '../src/stack.js';

const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  image?: string;
  profiles?: string[];
  build?: { dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

/** Variables that exist only in compose, because their part exists only there. */
const composeOnly = new Set(['GRAFANA_PORT', 'MAIL_UI_PORT']);
const apps = ['order', 'inventory', 'payment', 'notification', 'analytics'];

/** Every `${NAME}`, `${NAME:-default}` or `${NAME-default}` interpolation in the file. */
function interpolations(text: string): { name: string; fallback: string | undefined }[] {
  return [...text.matchAll(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g)].map((m) => ({
    name: m[1] ?? '',
    fallback: m[2],
  }));
}

function defaultOf(name: string): string | undefined {
  const validator = (stackVariables as Record<string, { parse(v: unknown): string | number | undefined }>)[
    name
  ];
  const value = validator?.parse(undefined);
  return value === undefined ? undefined : String(value);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    const schema = JSON.parse(read('infra/compose/compose-spec.schema.json')) as Record<string, unknown>;
    // Ajv knows draft-07 by its own id (http://…#); the vendored file names it by https URL.
    delete schema.$schema;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a service for every native part, Grafana, and a slot for each of the five apps', () => {
    for (const part of partNames) expect(services).toHaveProperty(part);
    expect(services).toHaveProperty('grafana');
    for (const app of apps) {
      const slot = service(app);
      expect(slot.profiles).toEqual(['apps']);
      expect(slot.build?.args?.APP).toBe(app);
      expect(existsSync(join(root, slot.build?.dockerfile ?? 'missing'))).toBe(true);
    }
  });

  it('uses the native stack variable names, with the same defaults', () => {
    // The parsed file, so comments do not count and anchors are expanded.
    const used = interpolations(JSON.stringify(compose));
    expect(used.length).toBeGreaterThan(0);
    for (const { name, fallback } of used) {
      if (composeOnly.has(name)) continue;
      expect({ name, known: name in stackVariables }).toEqual({ name, known: true });
      expect({ name, fallback }).toEqual({ name, fallback: defaultOf(name) });
    }
    // …and every native port is published under its variable.
    const portVariables = Object.keys(stackVariables).filter((v) => v.endsWith('_PORT'));
    const usedNames = new Set(used.map((u) => u.name));
    for (const name of portVariables)
      expect({ name, published: usedNames.has(name) }).toEqual({ name, published: true });
  });

  it('publishes every port on loopback only, through a stack variable', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const mapping of svc.ports ?? []) {
        expect({ service: name, mapping }).toEqual({
          service: name,
          mapping: expect.stringMatching(/^127\.0\.0\.1:\$\{[A-Z_]+_PORT:-\d+\}:\d+$/) as unknown,
        });
      }
    }
  });

  it('runs the same versions as the native stack', () => {
    expect(service('kafka').image).toBe(`apache/kafka:${defaultOf('KAFKA_VERSION') ?? ''}`);
    expect(service('jaeger').image).toBe(`jaegertracing/all-in-one:${defaultOf('JAEGER_VERSION') ?? ''}`);
    expect(service('postgres').image).toBe(`postgres:${defaultOf('POSTGRES_VERSION') ?? ''}`);
    expect(service('prometheus').image).toMatch(
      new RegExp(`^prom/prometheus:v${(defaultOf('PROMETHEUS_VERSION') ?? '').replace('.', '\\.')}\\.`),
    );
  });

  it('creates the same databases as the native stack', () => {
    const sql = read('infra/compose/postgres-init.sql');
    const created = [...sql.matchAll(/^\s*'([a-z_]+)',?$/gm)].map((m) => m[1]);
    expect(created).toEqual([...databases]);
  });

  it('configures the broker like infra/kafka/server.properties', () => {
    const environment = service('kafka').environment ?? {};
    // Listener and path settings differ by design (containers need an internal listener).
    const networkSpecific = /listener|quorum\.voters|log\.dirs|keystore\.location/;
    const properties = read('infra/kafka/server.properties')
      .split('\n')
      .filter((line) => /^[a-z]/.test(line))
      .map((line) => line.split('=') as [string, string])
      .filter(([key]) => !networkSpecific.test(key));
    expect(properties.length).toBeGreaterThan(5);
    for (const [key, value] of properties) {
      const variable = `KAFKA_${key.toUpperCase().replace(/\./g, '_')}`;
      expect({ variable, value: environment[variable] }).toEqual({ variable, value });
    }
  });

  it('scrapes the same Prometheus jobs as the native configuration', () => {
    const jobs = (file: string) =>
      (parse(read(file)) as { scrape_configs: { job_name: string }[] }).scrape_configs
        .map((j) => j.job_name)
        .sort();
    expect(jobs('infra/prometheus/prometheus.compose.yml')).toEqual(
      jobs('infra/prometheus/prometheus.native.yml'),
    );
  });

  it('provisions Grafana with the data sources its dashboards refer to', () => {
    const provisioned = (
      parse(read('infra/grafana/provisioning/datasources/datasources.yml')) as {
        datasources: { uid: string }[];
      }
    ).datasources.map((d) => d.uid);
    expect(provisioned).toEqual(expect.arrayContaining(['prometheus', 'jaeger']));
    const dashboard = read('infra/grafana/dashboards/stack-overview.json');
    const referenced = new Set([...dashboard.matchAll(/"uid":\s*"([^"]+)"/g)].map((m) => m[1]));
    referenced.delete('stack-overview');
    for (const uid of referenced) expect(provisioned).toContain(uid);
  });
});
