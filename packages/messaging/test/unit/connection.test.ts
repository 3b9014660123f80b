import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurity, parseConnection, registryAuth } from '../../src/connection.js';

let dir: string;
let caFile: string;
let passwordFile: string;
const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'connection-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pem);
  passwordFile = join(dir, 'password');
  writeFileSync(passwordFile, 'from-a-file\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const problems = (env: NodeJS.ProcessEnv): string => {
  try {
    parseConnection(env);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('Kafka security from configuration', () => {
  it('is plain by default, and ignores SASL credentials a plain client was given', () => {
    expect(kafkaSecurity(parseConnection({}))).toEqual({});
    expect(kafkaSecurity(parseConnection({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }))).toEqual(
      {},
    );
  });

  it('gives SCRAM over TLS, trusting the configured CA and reading the password from a file', () => {
    const config = parseConnection({
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_USERNAME: 'acme',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
      KAFKA_SSL_CA_FILE: caFile,
    });
    expect(kafkaSecurity(config)).toEqual({
      ssl: { ca: [pem.trim()] },
      sasl: { mechanism: 'scram-sha-512', username: 'acme', password: 'from-a-file' },
    });
  });

  it('trusts the system CAs without a CA file, and speaks the configured mechanism', () => {
    expect(kafkaSecurity(parseConnection({ KAFKA_SECURITY_PROTOCOL: 'SSL' }))).toEqual({ ssl: true });
    expect(
      kafkaSecurity(
        parseConnection({
          KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
          KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
          KAFKA_SASL_USERNAME: 'acme',
          KAFKA_SASL_PASSWORD: 'secret',
        }),
      ),
    ).toEqual({ sasl: { mechanism: 'scram-sha-256', username: 'acme', password: 'secret' } });
  });

  it('names every missing or conflicting setting at once, never a secret', () => {
    const message = problems({ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' });
    expect(message).toContain('KAFKA_SASL_USERNAME: required with KAFKA_SECURITY_PROTOCOL=SASL_SSL');
    expect(message).toContain(
      'KAFKA_SASL_PASSWORD: required: set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE',
    );
    const both = problems({
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_USERNAME: 'acme',
      KAFKA_SASL_PASSWORD: 'hunter2-in-env',
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(both).toContain('KAFKA_SASL_PASSWORD_FILE: set only one of');
    expect(both).not.toContain('hunter2-in-env');
    expect(both).not.toContain('from-a-file');
  });

  it('refuses an unknown protocol, an unreadable password file and a CA file without a certificate', () => {
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'TLS' })).toContain('KAFKA_SECURITY_PROTOCOL');
    expect(problems({ KAFKA_SASL_PASSWORD_FILE: join(dir, 'absent') })).toContain(
      'KAFKA_SASL_PASSWORD_FILE: cannot read the file (ENOENT)',
    );
    expect(problems({ KAFKA_SSL_CA_FILE: passwordFile })).toContain(
      'KAFKA_SSL_CA_FILE: the file holds no PEM certificate',
    );
  });
});

describe('registry basic auth from configuration', () => {
  it('sends no credentials unless configured, and the configured ones otherwise', () => {
    expect(registryAuth(parseConnection({}))).toEqual({});
    expect(
      registryAuth(
        parseConnection({ SCHEMA_REGISTRY_USERNAME: 'sr', SCHEMA_REGISTRY_PASSWORD_FILE: passwordFile }),
      ),
    ).toEqual({ auth: { username: 'sr', password: 'from-a-file' } });
  });

  it('wants the user and the password together', () => {
    expect(problems({ SCHEMA_REGISTRY_USERNAME: 'sr' })).toContain(
      'SCHEMA_REGISTRY_PASSWORD: required: set SCHEMA_REGISTRY_PASSWORD or SCHEMA_REGISTRY_PASSWORD_FILE',
    );
    expect(problems({ SCHEMA_REGISTRY_PASSWORD: 'x' })).toContain(
      'SCHEMA_REGISTRY_USERNAME: required with a registry password',
    );
  });
});
