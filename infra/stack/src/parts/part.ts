import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config.js';
import { isOurs, readRecord, startDaemon, stopDaemon, type DaemonSpec } from '../proc.js';

export type PartName = 'postgres' | 'kafka' | 'registry' | 'jaeger' | 'prometheus';

/** Progress line for the terminal (download sizes, waits). */
export type Progress = (message: string) => void;

export interface PortSpec {
  label: string;
  port: number;
  /** Environment variable that moves it. */
  variable: string;
}

/**
 * One piece of infrastructure. The stack runs `install → start → probe until healthy → configure`
 * for each part, after the parts it `needs` are healthy.
 */
export interface Part {
  readonly name: PartName;
  readonly needs: readonly PartName[];
  readonly logFile: string;
  /** Directories `reset` deletes (never the download cache). */
  readonly dataDirs: readonly string[];
  readonly startTimeoutMs: number;
  ports(): PortSpec[];
  /** Human-facing addresses for `status`. */
  addresses(): string[];
  /** Obtain binaries (idempotent, cached); fails with a clear cause when a prerequisite is missing. */
  install(progress: Progress): Promise<void>;
  start(progress: Progress): Promise<void>;
  /** Pid of the process we started, if it is still running. */
  pid(): number | undefined;
  /** One real health check; throws when not healthy. */
  probe(): Promise<void>;
  /** Idempotent set-up once healthy (databases, compatibility level). */
  configure?(progress: Progress): Promise<void>;
  /** Stop what we started; false when nothing of ours was running. */
  stop(): Promise<boolean>;
}

/** A part that is one long-running process we spawn ourselves (everything but Postgres). */
export abstract class DaemonPart implements Part {
  abstract readonly name: PartName;
  abstract readonly needs: readonly PartName[];
  abstract readonly dataDirs: readonly string[];
  readonly startTimeoutMs: number = 90_000;

  constructor(protected readonly config: StackConfig) {}

  get logFile(): string {
    return join(this.config.logDir, `${this.name}.log`);
  }

  protected get pidFile(): string {
    return join(this.config.runDir, `${this.name}.json`);
  }

  abstract ports(): PortSpec[];
  abstract addresses(): string[];
  abstract install(progress: Progress): Promise<void>;
  abstract probe(): Promise<void>;
  /** The command to spawn; configuration files are written by `prepare`. */
  protected abstract daemon(): Omit<DaemonSpec, 'logFile' | 'pidFile'>;
  protected prepare(_progress: Progress): Promise<void> {
    return Promise.resolve();
  }

  async start(progress: Progress): Promise<void> {
    await this.prepare(progress);
    startDaemon({ ...this.daemon(), logFile: this.logFile, pidFile: this.pidFile });
  }

  pid(): number | undefined {
    const record = readRecord(this.pidFile);
    return record && isOurs(record) ? record.pid : undefined;
  }

  stop(): Promise<boolean> {
    return stopDaemon(this.pidFile);
  }
}

/** Total size of a directory tree in bytes (for download progress). */
export function treeSize(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * Report progress while `work` runs: elapsed seconds and, when `dir` is given, how much has landed
 * in it. Updates every second on a terminal, every 15 s otherwise (CI logs stay short).
 */
export async function withProgress<T>(
  progress: Progress,
  label: string,
  work: Promise<T>,
  dir?: string,
): Promise<T> {
  const started = Date.now();
  const baseline = dir ? treeSize(dir) : 0;
  const report = () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    const size = dir ? `, ${((treeSize(dir) - baseline) / 1e6).toFixed(1)} MB` : '';
    progress(`${label} (${seconds} s${size})`);
  };
  report();
  const timer = setInterval(report, process.stdout.isTTY ? 1000 : 15_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
