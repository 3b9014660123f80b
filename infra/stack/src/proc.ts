/**
 * Processes the stack starts: each runs detached in its own process group, its output appended to a
 * log file, and its pid recorded with its exact command line, so `down` stops exactly what `up`
 * started (a recycled pid running something else is never signalled).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface DaemonRecord {
  pid: number;
  command: string[];
  startedAt: string;
}

export interface DaemonSpec {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  pidFile: string;
}

export function startDaemon(spec: DaemonSpec): DaemonRecord {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    const record: DaemonRecord = {
      pid: child.pid,
      command: [spec.command, ...spec.args],
      startedAt: new Date().toISOString(),
    };
    writeFileSync(spec.pidFile, JSON.stringify(record, null, 2));
    return record;
  } finally {
    closeSync(log);
  }
}

export function readRecord(pidFile: string): DaemonRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    return JSON.parse(readFileSync(pidFile, 'utf8')) as DaemonRecord;
  } catch {
    return undefined;
  }
}

/** Alive and still the process we started (same command line, where /proc tells). */
export function isOurs(record: DaemonRecord): boolean {
  if (!pidAlive(record.pid)) return false;
  const cmdlineFile = `/proc/${record.pid}/cmdline`;
  if (!existsSync(cmdlineFile)) return true;
  const argv = readFileSync(cmdlineFile, 'utf8').split('\0').filter(Boolean);
  // The kernel reports the resolved executable for argv[0] in some cases; compare the arguments.
  return argv.slice(1).join('\0') === record.command.slice(1).join('\0');
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); it is not running anything.
    const stat = `/proc/${pid}/stat`;
    if (existsSync(stat)) return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the process group, wait up to `graceMs`, then SIGKILL. Removes the pid file. */
export async function stopDaemon(pidFile: string, graceMs = 20_000): Promise<boolean> {
  const record = readRecord(pidFile);
  if (!record || !isOurs(record)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  signalGroup(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pidAlive(record.pid) && Date.now() < deadline) await delay(100);
  if (pidAlive(record.pid)) {
    signalGroup(record.pid, 'SIGKILL');
    while (pidAlive(record.pid)) await delay(50);
  }
  rmSync(pidFile, { force: true });
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Who holds a TCP port, as "pid 123 (java)", when `ss` can tell. */
export function portHolder(port: number): string | undefined {
  const result = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(result.stdout);
  return match ? `pid ${match[2]} (${match[1]})` : undefined;
}

/** The last `lines` lines of a file, or '' when it does not exist. */
export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}

/**
 * Poll `probe` until it resolves, or fail after `timeoutMs` with the last probe error. `abort` is
 * checked between probes so a crashed process fails fast instead of waiting out the deadline.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<void>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      last = error;
    }
    const aborted = options.abort?.();
    if (aborted) throw new Error(`${what}: ${aborted}`);
    if (Date.now() > deadline) {
      const reason = last instanceof Error ? last.message : String(last);
      throw new Error(
        `${what} not ready after ${Math.round(options.timeoutMs / 1000)} s (last check: ${reason})`,
      );
    }
    await delay(options.intervalMs ?? 250);
  }
}

/** Run a command to completion; resolves with its output, rejects with its stderr tail. */
export function run(
  command: string,
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** Values replaced by *** in the error (an argument may carry a password). */
    secrets?: readonly string[];
  } = {},
): Promise<string> {
  const redact = (text: string) =>
    (options.secrets ?? []).reduce((t, secret) => (secret === '' ? t : t.replaceAll(secret, '***')), text);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(out);
      else {
        const tailLines = out.trimEnd().split('\n').slice(-15).join('\n');
        reject(new Error(redact(`${command} ${args.join(' ')} exited with ${code}\n${tailLines}`)));
      }
    });
  });
}

/** Whether an executable is on PATH. */
export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
