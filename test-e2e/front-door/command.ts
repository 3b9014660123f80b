/**
 * What the front-door check needs to run a README command as a person at a terminal would: a
 * fresh clone, the command in a process group of its own (the terminal's foreground group, to
 * which Ctrl-C sends SIGINT), its output, and the processes it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, withDeadline } from '@acme/testing';

/**
 * `git clone` of HEAD (or of `ref`) into a new temporary folder: no node_modules, no generated
 * files, no dist.
 */
export function freshClone(repo: string, ref?: string): { dir: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'acme-front-door-'));
  const dir = join(parent, 'acme-orders');
  const git = (args: string[], cwd?: string) => {
    const run = spawnSync('git', args, { encoding: 'utf8', ...(cwd ? { cwd } : {}) });
    if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr}`);
  };
  git(['clone', '--quiet', '--no-hardlinks', repo, dir]);
  if (ref) git(['checkout', '--quiet', '--detach', ref], dir);
  return {
    dir,
    remove: () => {
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

/** The first command of the README's quick start block, as written there. */
export function quickStartCommands(readme: string): string[] {
  const section = /## Quick start\s+```sh\n([\s\S]*?)```/.exec(readme);
  if (!section?.[1]) throw new Error('README has no "## Quick start" sh block');
  return section[1]
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

export interface RunningCommand {
  readonly pid: number;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects at the deadline or if it exits first. */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray>;
  /** Its exit (code, or the signal that ended it); rejects at the deadline, showing the output up to then. */
  exit(timeoutMs: number, what: string): Promise<Exit>;
  /** Send a signal to its whole process group, as a terminal does. */
  signalGroup(signal: NodeJS.Signals): void;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Run `commandLine` through sh in `cwd`, its own process group leader. */
export function runCommand(commandLine: string, cwd: string, env: NodeJS.ProcessEnv): RunningCommand {
  const child: ChildProcess = spawn('sh', ['-c', commandLine], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${commandLine}`);
  const pid = child.pid;
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  let closed = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('close', (code, signal) => {
      closed = true;
      resolve({ code, signal });
    });
  });
  const withOutput = (error: unknown) =>
    new Error(`${error instanceof Error ? error.message : String(error)}\n--- output:\n${tailOf(text)}`);
  return {
    pid,
    output: () => text,
    waitFor: async (pattern, timeoutMs, what) => {
      // The output is looked at once more after the exit: the pattern may be in its last lines.
      const found = await eventually(
        () => Promise.resolve(pattern.exec(text) ?? (closed ? ('exited' as const) : undefined)),
        { timeoutMs, intervalMs: 250, description: what },
      ).catch((error: unknown) => {
        throw withOutput(error);
      });
      if (found === 'exited') throw withOutput(new Error(`exited before ${what}`));
      return found;
    },
    exit: (timeoutMs, what) =>
      withDeadline(exited, timeoutMs, what).catch((error: unknown) => {
        throw withOutput(error);
      }),
    signalGroup: (signal) => {
      process.kill(-pid, signal);
    },
  };
}

export function tailOf(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  command: string;
}

/**
 * Every live process that runs in `dir` or names a path under it (the clone's pnpm and demo, which
 * name their files relative to it; its services and turbo, which name them in full).
 */
export function processesUnder(dir: string): ProcessInfo[] {
  return processes().filter(
    (p) => p.pid !== process.pid && (p.command.includes(dir) || cwdOf(p.pid).startsWith(dir)),
  );
}

function cwdOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/** Every live process below `root` (its children, theirs, …), from /proc. */
export function descendants(root: number): ProcessInfo[] {
  const all = processes();
  const found: ProcessInfo[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop();
    for (const p of all)
      if (p.ppid === parent) {
        found.push(p);
        frontier.push(p.pid);
      }
  }
  return found;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = /\)\s+(\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    return state !== 'Z';
  } catch {
    return false;
  }
}

function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(/\)\s+\S\s+(\d+)/.exec(stat)?.[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      list.push({ pid: Number(entry), ppid, command });
    } catch {
      // gone meanwhile
    }
  }
  return list;
}
