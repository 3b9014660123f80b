import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { kafkaTlsDir } from '../config.js';
import { StackPartError } from '../errors.js';
import { run } from '../proc.js';
import { DaemonPart, withProgress, type PartName, type PortSpec, type Progress } from './part.js';
import { renderTemplate } from './template.js';
import { maven, requireJava, requireTool } from './toolchain.js';

/** SCRAM mechanisms the SASL_SSL listener offers; the stack's user gets credentials for both. */
const scramMechanisms = ['SCRAM-SHA-512', 'SCRAM-SHA-256'] as const;

/**
 * Apache Kafka in KRaft mode, one node, jars resolved from Maven Central by infra/kafka/pom.xml.
 * Two client listeners: PLAINTEXT (KAFKA_PORT) and SASL_SSL (KAFKA_SASL_PORT) with the SCRAM user
 * KAFKA_SASL_USERNAME, created when the storage is formatted, and a certificate signed by a CA the
 * stack generates (infra/kafka/tls.sh; clients trust KAFKA_TLS_CA_FILE).
 */
export class KafkaPart extends DaemonPart {
  readonly name: PartName = 'kafka';
  readonly needs: readonly PartName[] = [];

  get dataDirs(): string[] {
    return [this.dataDir, kafkaTlsDir(this.config)];
  }

  /** Which SCRAM user the storage was formatted with (the password only as a digest). */
  private get scramMarker(): string {
    return join(this.dataDir, 'scram-user.json');
  }

  private scramIdentity(): string {
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = this.config;
    const digest = createHash('sha256').update(`${username}\0${password}`).digest('hex');
    return JSON.stringify({ username, digest });
  }

  private get dataDir(): string {
    return join(this.config.dataDir, 'kafka');
  }

  private get classpathFile(): string {
    return join(this.config.cacheDir, 'kafka', this.config.KAFKA_VERSION, 'classpath.txt');
  }

  private get propertiesFile(): string {
    return join(this.config.confDir, 'kafka', 'server.properties');
  }

  ports(): PortSpec[] {
    return [
      { label: 'broker', port: this.config.KAFKA_PORT, variable: 'KAFKA_PORT' },
      { label: 'controller', port: this.config.KAFKA_CONTROLLER_PORT, variable: 'KAFKA_CONTROLLER_PORT' },
      { label: 'SASL_SSL', port: this.config.KAFKA_SASL_PORT, variable: 'KAFKA_SASL_PORT' },
    ];
  }

  addresses(): string[] {
    return [
      `bootstrap 127.0.0.1:${this.config.KAFKA_PORT}`,
      `SASL_SSL 127.0.0.1:${this.config.KAFKA_SASL_PORT} (SCRAM user ${this.config.KAFKA_SASL_USERNAME})`,
    ];
  }

  async install(progress: Progress): Promise<void> {
    requireJava(this.name);
    // The recorded classpath holds absolute paths: a cache that was moved or copied resolves again.
    if (
      existsSync(this.classpathFile) &&
      this.classpath()
        .split(':')
        .every((jar) => existsSync(jar))
    )
      return;
    requireTool(this.name, 'mvn', 'install Maven (Debian: apt-get install -y maven)');
    const repo = join(this.config.cacheDir, 'm2');
    mkdirSync(join(this.config.cacheDir, 'kafka', this.config.KAFKA_VERSION), { recursive: true });
    await withProgress(
      progress,
      `downloading Kafka ${this.config.KAFKA_VERSION} jars`,
      maven(
        [
          '-f',
          join(this.config.root, 'infra/kafka/pom.xml'),
          `-Dkafka.version=${this.config.KAFKA_VERSION}`,
          'dependency:build-classpath',
          '-Dmdep.includeScope=runtime',
          `-Dmdep.outputFile=${this.classpathFile}`,
        ],
        { repo },
      ),
      repo,
    );
  }

  protected override async prepare(progress: Progress): Promise<void> {
    const tlsDir = kafkaTlsDir(this.config);
    if (!existsSync(join(tlsDir, 'keystore.pem'))) progress('generating the CA and broker certificate');
    await run('sh', [join(this.config.root, 'infra/kafka/tls.sh'), tlsDir]);
    renderTemplate(join(this.config.root, 'infra/kafka/server.properties'), this.propertiesFile, {
      KAFKA_PORT: this.config.KAFKA_PORT,
      KAFKA_CONTROLLER_PORT: this.config.KAFKA_CONTROLLER_PORT,
      KAFKA_SASL_PORT: this.config.KAFKA_SASL_PORT,
      KAFKA_DATA_DIR: this.dataDir,
      KAFKA_TLS_DIR: tlsDir,
    });
    // Storage is formatted once; a formatted directory keeps its cluster id, data and SCRAM users.
    if (existsSync(join(this.dataDir, 'meta.properties'))) {
      this.checkScramUser();
      return;
    }
    progress(`formatting KRaft storage (SCRAM user ${this.config.KAFKA_SASL_USERNAME})`);
    mkdirSync(this.dataDir, { recursive: true });
    const clusterId = newClusterId();
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = this.config;
    await run(
      'java',
      [
        '-cp',
        this.classpath(),
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        this.propertiesFile,
        ...scramMechanisms.flatMap((m) => ['--add-scram', `${m}=[name=${username},password=${password}]`]),
      ],
      // The format command prints the credential records; a failure must not print the password.
      { secrets: [password] },
    );
    writeFileSync(this.scramMarker, this.scramIdentity());
  }

  /** SCRAM users exist from the format on: a changed user or password cannot take effect silently. */
  private checkScramUser(): void {
    const recorded = existsSync(this.scramMarker) ? readFileSync(this.scramMarker, 'utf8') : undefined;
    if (recorded === this.scramIdentity()) return;
    throw new StackPartError(
      this.name,
      recorded === undefined
        ? "its storage was formatted without the SASL_SSL listener's SCRAM user"
        : 'KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD changed since its storage was formatted',
      'SCRAM users are created when the storage is formatted: restore the old values, or run ' +
        "`pnpm stack reset` (deletes the stack's data) and `pnpm stack up`",
    );
  }

  protected daemon() {
    return {
      command: 'java',
      args: [
        '-Xms256m',
        '-Xmx512m',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(this.config.root, 'infra/kafka/log4j2.properties')}`,
        '-cp',
        this.classpath(),
        'kafka.Kafka',
        this.propertiesFile,
      ],
    };
  }

  private classpath(): string {
    return readFileSync(this.classpathFile, 'utf8').trim();
  }

  /** The SASL_SSL listener takes the stack's SCRAM user over TLS verified against the stack's CA. */
  async configure(progress: Progress): Promise<void> {
    progress('checking the SASL_SSL listener');
    try {
      await describeCluster({
        brokers: [`127.0.0.1:${this.config.KAFKA_SASL_PORT}`],
        retry: { retries: 2 },
        connectionTimeout: 3000,
        ssl: { ca: [readFileSync(join(kafkaTlsDir(this.config), 'ca.pem'), 'utf8')] },
        sasl: {
          mechanism: 'scram-sha-512',
          username: this.config.KAFKA_SASL_USERNAME,
          password: this.config.KAFKA_SASL_PASSWORD,
        },
      });
    } catch (error) {
      throw new StackPartError(
        this.name,
        `the SASL_SSL listener refused the stack's user: ${(error as Error).message}`,
      );
    }
  }

  /** Healthy = a metadata request answers (an open port is not enough while KRaft elects itself). */
  async probe(): Promise<void> {
    const cluster = await describeCluster({
      brokers: [`127.0.0.1:${this.config.KAFKA_PORT}`],
      retry: { retries: 0 },
      connectionTimeout: 1000,
    });
    if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
  }
}

/** One metadata request through a short-lived admin client. */
async function describeCluster(options: Omit<KafkaConfig, 'clientId' | 'logLevel'>) {
  const admin = new Kafka({ clientId: 'stack-health', logLevel: logLevel.NOTHING, ...options }).admin();
  await admin.connect();
  try {
    return await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

/**
 * A random KRaft cluster id: 16 bytes, base64url, as `kafka-storage random-uuid` makes them — and,
 * like Kafka's own, never starting with "-", which a command line would take for an option (one
 * id in 64 does: a fresh-clone run failed on `format -t -4TCg…`).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
