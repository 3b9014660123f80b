/** jest globalSetup: generate src/generated from schemas/ (the tests import it), then provide the stack. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import provideStack from '@acme/testing/global-setup';

export default async function globalSetup(): Promise<void> {
  const packageRoot = join(__dirname, '..');
  // The same command as `pnpm generate`, in its own process: tools/ is ESM, jest runs tests as CommonJS.
  execFileSync(process.execPath, ['--import', 'tsx', join('tools', 'cli.ts'), 'generate'], {
    cwd: packageRoot,
    stdio: 'inherit',
  });
  await provideStack();
}
