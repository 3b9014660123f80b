/** Checks for the tools parts need, with messages that say what to install. */
import { spawnSync } from 'node:child_process';
import { StackPartError } from '../errors.js';
import { onPath, run } from '../proc.js';

export function requireJava(part: string, minimum = 17): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new StackPartError(
      part,
      'Java is not installed',
      `install a JDK ${minimum}+ (Debian: apt-get install -y openjdk-17-jre-headless)`,
    );
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < minimum) {
    throw new StackPartError(
      part,
      `Java ${major} found, ${minimum}+ needed`,
      'install a newer JDK and put it first on PATH',
    );
  }
}

export function requireTool(part: string, command: string, install: string): void {
  if (!onPath(command)) throw new StackPartError(part, `${command} is not installed`, install);
}

let aptUpdated = false;

/** Install Debian packages when we may (root + apt-get); otherwise say what to run. */
export async function aptInstall(
  part: string,
  packages: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new StackPartError(
      part,
      `${packages.join(', ')} not installed`,
      `install it: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive', ...env };
  if (!aptUpdated) {
    await run('apt-get', ['update', '-q'], { env: aptEnv });
    aptUpdated = true;
  }
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { env: aptEnv });
}

/** Serialises Maven runs: two at once on one local repository can corrupt it. */
let mavenQueue: Promise<unknown> = Promise.resolve();

export function maven(args: string[], options: { cwd?: string; repo: string }): Promise<string> {
  const next = mavenQueue.then(() =>
    run(
      'mvn',
      ['-q', '-B', `-Dmaven.repo.local=${options.repo}`, ...args],
      options.cwd ? { cwd: options.cwd } : {},
    ),
  );
  mavenQueue = next.catch(() => undefined);
  return next;
}
