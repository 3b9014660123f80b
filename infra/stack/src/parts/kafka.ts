import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { run } from '../proc.js';
import { DaemonPart, withProgress, type PartName, type PortSpec, type Progress } from './part.js';
import { renderTemplate } from './template.js';
import { maven, requireJava, requireTool } from './toolchain.js';

/** Apache Kafka in KRaft mode, one node, jars resolved from Maven Central by infra/kafka/pom.xml. */
export class KafkaPart extends DaemonPart {
  readonly name: PartName = 'kafka';
  readonly needs: readonly PartName[] = [];

  get dataDirs(): string[] {
    return [this.dataDir];
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
    ];
  }

  addresses(): string[] {
    return [`bootstrap 127.0.0.1:${this.config.KAFKA_PORT}`];
  }

  async install(progress: Progress): Promise<void> {
    requireJava(this.name);
    if (existsSync(this.classpathFile)) return;
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
    renderTemplate(join(this.config.root, 'infra/kafka/server.properties'), this.propertiesFile, {
      KAFKA_PORT: this.config.KAFKA_PORT,
      KAFKA_CONTROLLER_PORT: this.config.KAFKA_CONTROLLER_PORT,
      KAFKA_DATA_DIR: this.dataDir,
    });
    // Storage is formatted once; a formatted directory keeps its cluster id and data across restarts.
    if (!existsSync(join(this.dataDir, 'meta.properties'))) {
      progress('formatting KRaft storage');
      mkdirSync(this.dataDir, { recursive: true });
      const clusterId = randomBytes(16).toString('base64url');
      await run('java', [
        '-cp',
        this.classpath(),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        this.propertiesFile,
      ]);
    }
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

  /** Healthy = a metadata request answers (an open port is not enough while KRaft elects itself). */
  async probe(): Promise<void> {
    const admin = new Kafka({
      brokers: [`127.0.0.1:${this.config.KAFKA_PORT}`],
      clientId: 'stack-health',
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 1000,
    }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
    } finally {
      await admin.disconnect();
    }
  }
}
