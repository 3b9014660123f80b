import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { endpoints } from '../config.js';
import { StackPartError } from '../errors.js';
import { DaemonPart, type PartName, type PortSpec, type Progress } from './part.js';
import { renderTemplate } from './template.js';
import { aptInstall } from './toolchain.js';

const binary = '/usr/bin/prometheus';

/**
 * Prometheus from the distribution's package, run with our own configuration and storage (never
 * the system service). Scrape targets are discovered from JSON files in PROMETHEUS_TARGETS_DIR, so
 * services and tests register themselves by writing a file.
 */
export class PrometheusPart extends DaemonPart {
  readonly name: PartName = 'prometheus';
  readonly needs: readonly PartName[] = [];
  override readonly startTimeoutMs = 30_000;

  get dataDirs(): string[] {
    return [this.tsdbDir];
  }

  private get tsdbDir(): string {
    return join(this.config.dataDir, 'prometheus');
  }

  private get configFile(): string {
    return join(this.config.confDir, 'prometheus', 'prometheus.yml');
  }

  ports(): PortSpec[] {
    return [{ label: 'http', port: this.config.PROMETHEUS_PORT, variable: 'PROMETHEUS_PORT' }];
  }

  addresses(): string[] {
    return [`http://127.0.0.1:${this.config.PROMETHEUS_PORT}`];
  }

  async install(progress: Progress): Promise<void> {
    if (!existsSync(binary)) {
      progress('installing prometheus from Debian');
      await aptInstall(this.name, ['prometheus']);
    }
    const version = /version (\d+\.\d+)/.exec(
      spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout,
    )?.[1];
    if (version === undefined) throw new StackPartError(this.name, `${binary} --version printed no version`);
    if (!version.startsWith(this.config.PROMETHEUS_VERSION)) {
      progress(`prometheus ${version} found (${this.config.PROMETHEUS_VERSION} expected); using it`);
    }
  }

  protected override prepare(): Promise<void> {
    const targets = endpoints(this.config).PROMETHEUS_TARGETS_DIR;
    mkdirSync(targets, { recursive: true });
    mkdirSync(this.tsdbDir, { recursive: true });
    renderTemplate(join(this.config.root, 'infra/prometheus/prometheus.native.yml'), this.configFile, {
      TARGETS_DIR: targets,
      RULES_DIR: join(this.config.root, 'infra/prometheus/rules'),
      PROMETHEUS_PORT: this.config.PROMETHEUS_PORT,
    });
    return Promise.resolve();
  }

  protected daemon() {
    return {
      command: binary,
      args: [
        `--config.file=${this.configFile}`,
        `--storage.tsdb.path=${this.tsdbDir}`,
        `--web.listen-address=127.0.0.1:${this.config.PROMETHEUS_PORT}`,
        '--web.enable-lifecycle',
        '--storage.tsdb.retention.time=7d',
      ],
    };
  }

  async probe(): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.config.PROMETHEUS_PORT}/-/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    if (response.status !== 200) throw new Error(`GET /-/ready answered ${response.status}`);
  }
}
