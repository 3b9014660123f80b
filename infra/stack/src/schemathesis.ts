import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig, type StackConfig } from './config.js';
import { StackPartError } from './errors.js';

/** The schemathesis release the fuzz suite is written against (its CLI flags change between majors). */
export const schemathesisVersion = '4.32.5';

const part = 'schemathesis';
/** Part of the message itself: `pnpm test` prints an error's message, not its hint. */
const installPython =
  'install Python 3.11 or newer with venv (Debian: apt-get install -y python3 python3-venv)';

/**
 * Schemathesis, the OpenAPI fuzzer of the fuzz suite, in a Python venv of its own under the stack's
 * download cache (`<cacheDir>/schemathesis/<version>`, kept by `stack reset`). Creates the venv
 * and installs the pinned release with the venv's pip the first time, telling on stderr what it
 * does; later calls only check the marker it leaves. Returns the path of the `st` executable.
 * Without python3, a clear error saying what to install.
 *
 * @example
 *   const st = await ensureSchemathesis();
 *   // spawn(st, ['run', 'http://127.0.0.1:3001/docs/json', '--checks', 'not_a_server_error'])
 */
export async function ensureSchemathesis(
  config: StackConfig = loadStackConfig(process.env),
): Promise<string> {
  const venv = join(config.cacheDir, 'schemathesis', schemathesisVersion);
  const st = join(venv, 'bin', 'st');
  // Written last: a venv without it is a half-done install (interrupted, failed) and is redone.
  const marker = join(venv, '.installed');
  if (existsSync(marker) && existsSync(st)) return st;

  const versionScript = 'import sys; print(sys.version_info[0] * 100 + sys.version_info[1])';
  const python = spawnSync('python3', ['-c', versionScript], { encoding: 'utf8' });
  if (python.error || python.status !== 0)
    throw new StackPartError(part, `python3 is not installed: ${installPython}`);
  const version = Number(python.stdout.trim());
  if (version < 311)
    throw new StackPartError(
      part,
      `python3 is ${Math.floor(version / 100)}.${version % 100}: ${installPython}`,
    );

  say(`creating a Python venv in ${venv}`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(venv, { recursive: true });
  await stream('python3', ['-m', 'venv', venv]).catch((error: unknown) => {
    throw new StackPartError(part, `python3 -m venv failed (${String(error)}): ${installPython}`);
  });
  say(`installing schemathesis==${schemathesisVersion} with the venv's pip (only this once)`);
  await stream(join(venv, 'bin', 'pip'), [
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--progress-bar',
    'off',
    `schemathesis==${schemathesisVersion}`,
  ]).catch((error: unknown) => {
    throw new StackPartError(
      part,
      `pip install schemathesis==${schemathesisVersion} failed: ${String(error)}`,
    );
  });
  if (!existsSync(st)) throw new StackPartError(part, `the install left no ${st}`);
  writeFileSync(marker, `${schemathesisVersion}\n`);
  say(`ready: ${st}`);
  return st;
}

function say(line: string): void {
  process.stderr.write(`${part}: ${line}\n`);
}

/** Run a command with its output on our stderr (stdout stays the caller's); reject on a non-zero exit. */
function stream(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(process.stderr, { end: false });
    child.stderr.pipe(process.stderr, { end: false });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${signal ?? `code ${String(code)}`}`));
    });
  });
}
