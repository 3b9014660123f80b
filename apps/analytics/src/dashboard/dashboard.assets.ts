import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * `apps/analytics/public`, found from this file: `src/dashboard/` (jest, tsx) and
 * `dist/dashboard/` (node) are both two levels below the app's root.
 */
const publicDir = join(import.meta.dirname, '..', '..', 'public');

export interface Asset {
  contentType: string;
  body: Buffer;
}

/** The files the page may load, by URL name: nothing else is ever read from disk. */
const files: Record<string, { path: () => string; contentType: string }> = {
  'dashboard.html': {
    path: () => join(publicDir, 'dashboard.html'),
    contentType: 'text/html; charset=utf-8',
  },
  'dashboard.js': {
    path: () => join(publicDir, 'dashboard.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'dashboard.css': { path: () => join(publicDir, 'dashboard.css'), contentType: 'text/css; charset=utf-8' },
  'favicon.svg': { path: () => join(publicDir, 'favicon.svg'), contentType: 'image/svg+xml' },
  // Chart.js from its package (the machine serving this may have no internet; no CDN). The package's
  // exports map hides dist/chart.umd.js; its main entry lives in the same folder.
  'chart.umd.js': {
    path: () => join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
};

/** Only 'self': scripts, styles, images and the event stream all come from this server. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** An asset by name, or undefined for any other name. Read per request: they are small. */
export async function readAsset(name: string): Promise<Asset | undefined> {
  const file = Object.hasOwn(files, name) ? files[name] : undefined;
  if (file === undefined) return undefined;
  return { contentType: file.contentType, body: await readFile(file.path()) };
}
