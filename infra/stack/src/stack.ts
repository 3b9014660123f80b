/**
 * The stack as a whole: bring parts up in dependency order (independent parts in parallel), report
 * status, stop exactly what we started, and reset data. The CLI and the test provider both use this.
 *
 * @example
 *   const config = loadStackConfig();
 *   await up(config);          // idempotent: running, healthy parts are left alone
 *   console.log(await status(config));
 *   await down(config);
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Listr } from 'listr2';
import type { StackConfig } from './config.js';
import { diagnoseLog, StackPartError } from './errors.js';
import { KafkaPart } from './parts/kafka.js';
import type { Part, PartName } from './parts/part.js';
import { PostgresPart } from './parts/postgres.js';
import { PrometheusPart } from './parts/prometheus.js';
import { RegistryPart } from './parts/registry.js';
import { JaegerPart } from './parts/jaeger.js';
import { pidAlive, portFree, portHolder, tail, waitFor } from './proc.js';

export const partNames: readonly PartName[] = ['postgres', 'kafka', 'registry', 'jaeger', 'prometheus'];

export function createParts(config: StackConfig): Part[] {
  return [
    new PostgresPart(config),
    new KafkaPart(config),
    new RegistryPart(config),
    new JaegerPart(config),
    new PrometheusPart(config),
  ];
}

export type Renderer = 'default' | 'simple' | 'silent';

export interface UpOptions {
  renderer?: Renderer;
  /** Only these parts (and what they need). */
  only?: readonly PartName[];
}

export type UpOutcome = 'started' | 'already running';

const minimumFreeBytes = 1e9;

/** Start every part that is not already running and healthy. Throws with every failed part's story. */
export async function up(config: StackConfig, options: UpOptions = {}): Promise<Map<PartName, UpOutcome>> {
  const parts = select(createParts(config), options.only);
  const outcomes = new Map<PartName, UpOutcome>();
  const finished = new Map(parts.map((p) => [p.name, deferred()]));
  return withLock(config, async () => {
    checkDisk(config);
    const list = new Listr(
      parts.map((part) => ({
        title: part.name,
        task: async (_ctx: unknown, task: { title: string; output: string }) => {
          const gate = finished.get(part.name);
          try {
            for (const need of part.needs) {
              task.output = `waiting for ${need}`;
              if (!(await finished.get(need)?.promise))
                throw new StackPartError(part.name, `not started because ${need} failed`);
            }
            const started = Date.now();
            const outcome = await bringUp(
              part,
              throttled((message) => (task.output = message)),
            );
            outcomes.set(part.name, outcome);
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            task.title =
              outcome === 'started'
                ? `${part.name} started in ${seconds} s  ${part.addresses().join('  ')}`
                : `${part.name} already running (pid ${part.pid() ?? '?'})`;
            gate?.resolve(true);
          } catch (error) {
            gate?.resolve(false);
            throw error;
          }
        },
      })),
      {
        concurrent: true,
        exitOnError: false,
        collectErrors: 'minimal',
        renderer: options.renderer ?? 'default',
        fallbackRenderer: 'simple',
        rendererOptions: { collapseErrors: false, showErrorMessage: true },
      },
    );
    await list.run();
    if (list.errors.length > 0) {
      const stories = list.errors.map((e) =>
        e.error instanceof StackPartError ? e.error.describe() : e.error.message,
      );
      throw new StackUpError(stories);
    }
    return outcomes;
  });
}

export class StackUpError extends Error {
  override readonly name = 'StackUpError';
  constructor(readonly stories: string[]) {
    super(`the stack did not come up:\n${stories.join('\n')}`);
  }
}

async function bringUp(part: Part, progress: (m: string) => void): Promise<UpOutcome> {
  if (part.pid() !== undefined) {
    // Ours and running: healthy now, or give it its start-up deadline (a previous `up` may still be starting it).
    await waitForHealth(part, progress);
    await part.configure?.(progress);
    return 'already running';
  }
  for (const { label, port, variable } of part.ports()) {
    if (!(await portFree(port))) {
      const holder = portHolder(port);
      throw new StackPartError(
        part.name,
        `port ${port} (${label}) is already in use${holder ? ` by ${holder}` : ''}`,
        `stop that process or choose another port: ${variable}=<port> pnpm stack up`,
      );
    }
  }
  try {
    await part.install(progress);
  } catch (error) {
    if (error instanceof StackPartError) throw error;
    const message = (error as Error).message;
    throw new StackPartError(part.name, 'installation failed', diagnoseLog(message), message);
  }
  await part.start(progress);
  await waitForHealth(part, progress);
  await part.configure?.(progress);
  return 'started';
}

async function waitForHealth(part: Part, progress: (m: string) => void): Promise<void> {
  const started = Date.now();
  try {
    await waitFor(part.name, () => part.probe(), {
      timeoutMs: part.startTimeoutMs,
      abort: () => {
        progress(`waiting for health (${Math.round((Date.now() - started) / 1000)} s)`);
        return part.pid() === undefined ? 'the process exited during start-up' : undefined;
      },
    });
  } catch (error) {
    const log = tail(part.logFile, 15);
    throw new StackPartError(
      part.name,
      (error as Error).message.replace(`${part.name}: `, ''),
      diagnoseLog(log),
      log,
    );
  }
}

export interface PartStatus {
  name: PartName;
  state: 'running' | 'unhealthy' | 'stopped';
  pid?: number;
  addresses: string[];
  ports: { label: string; port: number }[];
  log: string;
  problem?: string;
}

export async function status(config: StackConfig): Promise<PartStatus[]> {
  return Promise.all(
    createParts(config).map(async (part): Promise<PartStatus> => {
      const pid = part.pid();
      const base = {
        name: part.name,
        addresses: part.addresses(),
        ports: part.ports().map(({ label, port }) => ({ label, port })),
        log: part.logFile,
      };
      if (pid === undefined) return { ...base, state: 'stopped' };
      try {
        await part.probe();
        return { ...base, state: 'running', pid };
      } catch (error) {
        return { ...base, state: 'unhealthy', pid, problem: (error as Error).message };
      }
    }),
  );
}

/**
 * Stop what `up` started, dependents first (the registry before Postgres). Stopping a part also
 * stops the parts that need it: a registry without its database is of no use. Returns the parts
 * that were running.
 */
export async function down(
  config: StackConfig,
  options: { only?: readonly PartName[] } = {},
): Promise<PartName[]> {
  const parts = new Map(createParts(config).map((p) => [p.name, p]));
  return withLock(config, async () => {
    const stopped: PartName[] = [];
    for (const wave of stopPlan([...parts.values()], options.only)) {
      const results = await Promise.all(
        wave.map(async (name) => ((await parts.get(name)?.stop()) ? name : undefined)),
      );
      for (const name of results) if (name) stopped.push(name);
    }
    return stopped;
  });
}

/**
 * The order `down` stops parts in: waves that stop in parallel, each part after every part that
 * needs it. With `only`, the named parts plus, transitively, the parts that need them.
 */
export function stopPlan(
  parts: readonly Pick<Part, 'name' | 'needs'>[],
  only?: readonly PartName[],
): PartName[][] {
  const dependents = (part: Pick<Part, 'name'>) =>
    parts.filter((other) => other.needs.includes(part.name)).map((other) => other.name);
  const wanted = closure(parts, only ?? parts.map((p) => p.name), dependents);
  let remaining = parts.filter((p) => wanted.has(p.name));
  const waves: PartName[][] = [];
  while (remaining.length > 0) {
    const ready = remaining.filter((p) => !remaining.some((other) => other.needs.includes(p.name)));
    if (ready.length === 0)
      throw new Error(`circular needs among ${remaining.map((p) => p.name).join(', ')}`);
    waves.push(ready.map((p) => p.name));
    remaining = remaining.filter((p) => !ready.includes(p));
  }
  return waves;
}

/** Stop everything and delete all data (downloads stay cached). */
export async function reset(config: StackConfig): Promise<void> {
  await down(config);
  for (const part of createParts(config))
    for (const dir of part.dataDirs) rmSync(dir, { recursive: true, force: true });
  for (const dir of [config.logDir, config.confDir, config.runDir, config.dataDir])
    rmSync(dir, { recursive: true, force: true });
}

function select(parts: Part[], only?: readonly PartName[]): Part[] {
  if (!only) return parts;
  const wanted = closure(parts, only, (part) => part.needs);
  return parts.filter((p) => wanted.has(p.name));
}

/** The named parts plus every part `linked` reaches from them, transitively. */
function closure<P extends Pick<Part, 'name'>>(
  parts: readonly P[],
  names: readonly PartName[],
  linked: (part: P) => readonly PartName[],
): Set<PartName> {
  const reached = new Set<PartName>();
  const visit = (name: PartName) => {
    if (reached.has(name)) return;
    reached.add(name);
    const part = parts.find((p) => p.name === name);
    for (const next of part ? linked(part) : []) visit(next);
  };
  names.forEach(visit);
  return reached;
}

function checkDisk(config: StackConfig): void {
  mkdirSync(config.stackDir, { recursive: true });
  const fs = statfsSync(config.stackDir);
  const free = fs.bavail * fs.bsize;
  if (free < minimumFreeBytes) {
    throw new StackUpError([
      `disk: only ${(free / 1e6).toFixed(0)} MB free under ${config.stackDir}\n  cause: the disk is full (at least 1 GB is needed)`,
    ]);
  }
}

/** One stack operation at a time per state directory (two test workers may call `up` at once). */
async function withLock<T>(config: StackConfig, work: () => Promise<T>): Promise<T> {
  mkdirSync(config.runDir, { recursive: true });
  const lock = join(config.runDir, 'stack.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch {
      const content = readFileSyncSafe(lock);
      const holder = Number(content);
      // An empty file is a lock being written this instant: wait, do not steal it.
      if (content !== '' && (!Number.isInteger(holder) || holder <= 0 || !pidAlive(holder))) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another stack operation (pid ${holder}) holds ${lock}`);
      await delay(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function readFileSyncSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * On a terminal every update repaints one line; in a log (CI) a line is printed only when the
 * message changes its subject or 15 s have passed, so waits do not flood the output.
 */
function throttled(progress: (m: string) => void): (m: string) => void {
  if (process.stdout.isTTY) return progress;
  let lastSubject = '';
  let lastAt = 0;
  return (message) => {
    const subject = message.replace(/\(.*\)$/, '').trim();
    if (subject === lastSubject && Date.now() - lastAt < 15_000) return;
    lastSubject = subject;
    lastAt = Date.now();
    progress(message);
  };
}

function deferred() {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}
