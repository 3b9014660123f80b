/**
 * Failure reporting: diagnoseLog turns a part's log into a likely cause, StackPartError carries
 * part, message, cause and log tail to the terminal, and the Java check names what to install.
 * Log lines below are what the real daemons print in those situations.
 */
import type * as ChildProcess from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnoseLog, StackPartError } from '../src/errors.js';
import { requireJava } from '../src/parts/toolchain.js';
import { tail } from '../src/proc.js';

// Jest gives each test file its own copy of process.env, which real child processes never see.
// This shim passes that copy on explicitly, so the PATH a test sets decides which `java` the real
// spawnSync finds — exactly what happens outside Jest. Nothing else about spawnSync changes.
jest.mock('node:child_process', () => {
  const actual = jest.requireActual<typeof ChildProcess>('node:child_process');
  return {
    ...actual,
    spawnSync: (command: string, args: readonly string[], options: ChildProcess.SpawnSyncOptions = {}) =>
      actual.spawnSync(command, args, { env: process.env, ...options }),
  };
});

const causes = {
  disk: 'the disk is full',
  port: 'a port it needs is already taken',
  javaTooOld: 'the Java runtime is too old (Java 17 or newer is needed)',
  heap: 'the JVM ran out of heap',
  credentials: 'wrong Postgres credentials (POSTGRES_USER / POSTGRES_PASSWORD)',
  database: 'a database is missing',
};

describe('diagnoseLog', () => {
  it.each([
    [
      'Kafka broker',
      '[2025-01-10 10:00:01,123] ERROR [KafkaServer id=1] Fatal error during KafkaServer startup. Prepare to shutdown (kafka.server.KafkaServer)\n' +
        'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:19092: Address already in use.',
    ],
    ['JVM', 'Caused by: java.net.BindException: Address already in use'],
    [
      'Postgres',
      '2025-01-10 10:00:01.123 UTC [4242] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\n' +
        '2025-01-10 10:00:01.123 UTC [4242] HINT:  Is another postmaster already running on port 15432? If not, wait a few seconds and retry.',
    ],
    [
      'Prometheus',
      'ts=2025-01-10T10:00:01.123Z caller=main.go:822 level=error msg="Unable to start web listener" err="listen tcp 127.0.0.1:19090: bind: address already in use"',
    ],
    [
      'Jaeger',
      '{"level":"fatal","ts":1736503201.1,"caller":"all-in-one/main.go:171","msg":"Failed to start collector","error":"listen tcp 127.0.0.1:4318: bind: address already in use"}',
    ],
  ])('recognises a taken port in a %s log', (_who, log) => {
    expect(diagnoseLog(log)).toBe(causes.port);
  });

  it.each([
    [
      'Postgres',
      '2025-01-10 10:00:01.123 UTC [4242] PANIC:  could not write to file "pg_wal/xlogtemp.4242": No space left on device',
    ],
    [
      'Kafka',
      '[2025-01-10 10:00:01,123] ERROR Error while appending records to orders-0 in dir /srv/.stack/data/kafka (org.apache.kafka.storage.internals.log.LogDirFailureChannel)\n' +
        'java.io.IOException: No space left on device',
    ],
    [
      'Prometheus',
      'level=error msg="opening storage failed" err="write /data/wal/00000001: no space left on device"',
    ],
  ])('recognises a full disk in a %s log', (_who, log) => {
    expect(diagnoseLog(log)).toBe(causes.disk);
  });

  it('recognises a Java runtime older than the classes', () => {
    const log =
      'Error: LinkageError occurred while loading main class kafka.Kafka\n' +
      '\tjava.lang.UnsupportedClassVersionError: kafka/Kafka has been compiled by a more recent version of the Java Runtime (class file version 61.0), this version of the Java Runtime only recognizes class file versions up to 55.0';
    expect(diagnoseLog(log)).toBe(causes.javaTooOld);
  });

  it('recognises an exhausted JVM heap', () => {
    expect(
      diagnoseLog(
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat io.quarkus.runner',
      ),
    ).toBe(causes.heap);
  });

  it('recognises wrong Postgres credentials (as Apicurio reports them)', () => {
    const log =
      '2025-01-10 10:00:01,123 ERROR [io.agr.pool] (agroal-11) Datasource \'<default>\': FATAL: password authentication failed for user "acme"';
    expect(diagnoseLog(log)).toBe(causes.credentials);
  });

  it('recognises a missing database', () => {
    expect(diagnoseLog('org.postgresql.util.PSQLException: FATAL: database "registry" does not exist')).toBe(
      causes.database,
    );
  });

  it('returns undefined for a log without a known cause, and for an empty log', () => {
    const log =
      '[2025-01-10 10:00:01,123] INFO [KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)\n' +
      '2025-01-10 10:00:02.000 UTC [4242] LOG:  database system is ready to accept connections';
    expect(diagnoseLog(log)).toBeUndefined();
    expect(diagnoseLog('')).toBeUndefined();
  });

  it('does not read "does not exist" on one line as a missing database on another', () => {
    expect(
      diagnoseLog('LOG:  database system is ready to accept connections\nFATAL:  role "ops" does not exist'),
    ).toBeUndefined();
  });

  it('puts the root cause first when a full disk also breaks the listener', () => {
    expect(
      diagnoseLog(
        'java.io.IOException: No space left on device\njava.net.BindException: Address already in use',
      ),
    ).toBe(causes.disk);
  });

  it('finds the cause in the tail of a real log file, as the stack does after a failed start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-errors-'));
    try {
      const file = join(dir, 'kafka.log');
      const noise = Array.from(
        { length: 200 },
        (_, i) => `[2025-01-10 10:00:00,${i}] INFO starting (kafka.Kafka)`,
      );
      writeFileSync(
        file,
        [
          ...noise,
          'java.net.BindException: Address already in use',
          '[2025-01-10] INFO shut down completed',
        ].join('\n') + '\n',
      );
      const last = tail(file, 15);
      expect(last.split('\n')).toHaveLength(15);
      expect(last.endsWith('INFO shut down completed')).toBe(true);
      expect(diagnoseLog(last)).toBe(causes.port);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('StackPartError', () => {
  const log = 'line one\nCaused by: java.net.BindException: Address already in use\nline three';

  it('names the part in its message and keeps part, hint and log tail', () => {
    const error = new StackPartError('kafka', 'the process exited during start-up', causes.port, log);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StackPartError');
    expect(error.message).toBe('kafka: the process exited during start-up');
    expect(error.part).toBe('kafka');
    expect(error.hint).toBe(causes.port);
    expect(error.logTail).toBe(log);
  });

  it('describes itself with the part, the cause and every log line, indented', () => {
    const error = new StackPartError('kafka', 'the process exited during start-up', diagnoseLog(log), log);
    expect(error.describe()).toBe(
      [
        'kafka: the process exited during start-up',
        '  hint: a port it needs is already taken',
        '  last log lines:',
        '    line one',
        '    Caused by: java.net.BindException: Address already in use',
        '    line three',
      ].join('\n'),
    );
  });

  it('leaves out the cause and log sections it does not have', () => {
    expect(new StackPartError('jaeger', 'go is not installed').describe()).toBe(
      'jaeger: go is not installed',
    );
    expect(new StackPartError('postgres', 'initdb failed', undefined, 'boom').describe()).toBe(
      'postgres: initdb failed\n  last log lines:\n    boom',
    );
    expect(new StackPartError('postgres', 'initdb failed', 'disk', '').describe()).toBe(
      'postgres: initdb failed\n  hint: disk',
    );
  });
});

describe('requireJava (Java missing or too old)', () => {
  const savedPath = process.env.PATH;
  let bin: string;

  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), 'stack-java-'));
    process.env.PATH = bin;
  });

  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(bin, { recursive: true, force: true });
  });

  /** A fake `java` that prints `banner` on stderr like `java -version` does. */
  function fakeJava(banner: string): void {
    const file = join(bin, 'java');
    writeFileSync(file, `#!/bin/sh\necho '${banner}' >&2\n`);
    chmodSync(file, 0o755);
  }

  function thrown(work: () => void): StackPartError {
    try {
      work();
    } catch (error) {
      if (error instanceof StackPartError) return error;
      throw error;
    }
    throw new Error('expected a StackPartError');
  }

  it('says Java is not installed and how to install it when java is not on PATH', () => {
    const error = thrown(() => {
      requireJava('kafka');
    });
    expect(error.message).toBe('kafka: Java is not installed');
    expect(error.hint).toMatch(/JDK 17\+/);
    expect(error.hint).toMatch(/apt-get install -y openjdk-17-jre-headless/);
  });

  it.each([
    ['Java 8 (1.x numbering)', 'java version "1.8.0_392"', 8],
    ['Java 11', 'openjdk version "11.0.22" 2024-01-16', 11],
  ])('rejects %s, naming the version found', (_what, banner, major) => {
    fakeJava(banner);
    const error = thrown(() => {
      requireJava('registry');
    });
    expect(error.message).toBe(`registry: Java ${major} found, 17+ needed`);
    expect(error.hint).toMatch(/newer JDK/);
  });

  it.each([
    ['17', 'openjdk version "17.0.10" 2024-01-16'],
    ['21', 'openjdk version "21.0.2" 2024-01-16'],
  ])('accepts Java %s', (_major, banner) => {
    fakeJava(banner);
    expect(() => {
      requireJava('kafka');
    }).not.toThrow();
  });
});
