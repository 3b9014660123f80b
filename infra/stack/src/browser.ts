import { existsSync } from 'node:fs';
import { aptInstall } from './parts/toolchain.js';

/** Where the browser tests find Chromium (Debian's package). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Debian's Chromium for the browser tests (the dashboard's), installed with apt-get when it is
 * missing and we may; otherwise a clear error saying what to install. Idempotent.
 *
 * @example
 *   const executablePath = await ensureChromium();
 */
export async function ensureChromium(): Promise<string> {
  if (!existsSync(chromiumPath)) await aptInstall('chromium', ['chromium']);
  return chromiumPath;
}
