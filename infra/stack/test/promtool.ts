/** Prometheus's `promtool`, for the tests that check configuration, rules and dashboard queries. */
import { spawnSync } from 'node:child_process';

export interface PromtoolResult {
  args: string[];
  status: number | null;
  output: string;
}

/** Run promtool; a missing promtool fails the test (never skips it) and says how to get one. */
export function promtool(...args: string[]): PromtoolResult {
  const result = spawnSync('promtool', args, { encoding: 'utf8', timeout: 30_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      'promtool is not on PATH. Run `pnpm stack up` (it apt-installs Debian\'s "prometheus" package, ' +
        'which ships /usr/bin/promtool), or install it yourself: sudo apt-get install -y prometheus',
    );
  }
  if (result.error) throw result.error;
  // On failure Jest prints this whole object: the command and promtool's stdout + stderr.
  return { args, status: result.status, output: `${result.stdout}${result.stderr}` };
}
