/**
 * Building the workspace from the root commands (demo, bench): turbo without its banners, its
 * output shown only when the build fails. Generated sources (the contracts' types and schemas)
 * are part of the build, so after this resolves every package can be imported from its sources.
 */
import { spawn } from 'node:child_process';

/** turbo's own notices (telemetry, updates) off for every turbo the project's commands start. */
export const quietTurbo: NodeJS.ProcessEnv = {
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
};

/** `turbo run build` for `filters` (none: everything); rejects with turbo's output if it fails. */
export function buildWorkspace(filters: readonly string[] = [], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [
      '-s',
      'turbo',
      'run',
      'build',
      '--output-logs=errors-only',
      ...filters.map((f) => `--filter=${f}`),
    ];
    const child = spawn('pnpm', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...quietTurbo },
      ...(signal ? { signal } : {}),
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('close', (code, killed) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `the build failed (turbo exited with ${killed ?? `code ${String(code)}`}):\n${output.trimEnd()}`,
          ),
        );
    });
  });
}
