/**
 * inventory seed — add stock through the admin endpoint (POST /admin/stock) of a running service.
 *
 *   pnpm --filter @acme/inventory seed --sku A --quantity 100 --sku B --quantity 5
 *   pnpm --filter @acme/inventory seed --file stock.json
 *
 * `--file` holds `[{ "sku": "A", "quantity": 100, "name": "Apple" }, …]` (or `{ "items": [...] }`).
 * The service is at INVENTORY_URL (default http://127.0.0.1:3002) unless `--url` says otherwise.
 * The endpoint needs a bearer token with the admin role: `--token` or INVENTORY_TOKEN (kept out of
 * the shell history that way). All items are added or none. Exit codes: 0 added, 1 failed (service unreachable or erroring),
 * 2 wrong usage or input refused by the service (nothing added).
 */
import { readFile } from 'node:fs/promises';
import { cliProgram, runProgram, UsageError, type CliIo } from '@acme/cli';
import { InvalidArgumentError, type Command } from 'commander';

export type { CliIo } from '@acme/cli';
export const defaultInventoryUrl = 'http://127.0.0.1:3002';

class FailedError extends Error {
  override readonly name = 'FailedError';
}

interface SeedItem {
  sku: string;
  quantity: number;
  name?: string;
}

interface SeedFlags {
  sku?: string[];
  quantity?: number[];
  file?: string;
  url?: string;
  token?: string;
  json?: boolean;
}

interface StockLevel {
  sku: string;
  name: string | null;
  onHand: number;
  reserved: number;
  available: number;
}

const collect = <T>(value: T, previous: T[] | undefined): T[] => [...(previous ?? []), value];

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1)
    throw new InvalidArgumentError('must be a positive integer');
  return value;
}

/** The `inventory` program, wired to `io`; errors are thrown (not exited on) for `runCli`. */
export function buildProgram(io: CliIo): Command {
  const program = cliProgram('inventory', io).description('Inventory service tools.');
  program
    .command('seed')
    .description('Add stock to SKUs through POST /admin/stock (all or none).')
    .option('--sku <sku>', 'SKU to add stock to (repeat, paired in order with --quantity)', collect<string>)
    .option('--quantity <n>', 'units to add (repeat, one per --sku)', (v, prev: number[] | undefined) =>
      collect(positiveInteger(v), prev),
    )
    .option('--file <path>', 'JSON file: [{ sku, quantity, name? }, …] or { items: [...] }')
    .option('--url <url>', `the inventory service (default: INVENTORY_URL or ${defaultInventoryUrl})`)
    .option('--token <jwt>', 'bearer token with the admin role (default: INVENTORY_TOKEN)')
    .option('--json', 'print the resulting stock figures as JSON')
    .action(async (flags: SeedFlags) => {
      const items = flags.file === undefined ? fromFlags(flags) : await fromFile(flags);
      const url = flags.url ?? io.env.INVENTORY_URL ?? defaultInventoryUrl;
      const token = flags.token ?? io.env.INVENTORY_TOKEN;
      if (token === undefined || token.trim() === '')
        throw new UsageError('give a bearer token with the admin role: --token <jwt> or INVENTORY_TOKEN');
      const levels = await postStock(url, items, token.trim());
      if (flags.json) io.out(`${JSON.stringify(levels, null, 2)}\n`);
      else
        for (const l of levels)
          io.out(`${l.sku}: on hand ${l.onHand}, reserved ${l.reserved}, available ${l.available}\n`);
    });
  return program;
}

/** Run the program; resolves to the exit code (0 added, 1 failed, 2 wrong usage or refused input). */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  return runProgram(buildProgram(io), argv, io);
}

function fromFlags({ sku = [], quantity = [] }: SeedFlags): SeedItem[] {
  if (sku.length === 0) throw new UsageError('give --sku <sku> --quantity <n> (repeatable) or --file <path>');
  if (sku.length !== quantity.length)
    throw new UsageError(
      `each --sku needs its --quantity (got ${sku.length} --sku, ${quantity.length} --quantity)`,
    );
  return sku.map((s, i) => ({ sku: s, quantity: quantity[i] ?? 0 }));
}

async function fromFile(flags: SeedFlags): Promise<SeedItem[]> {
  const path = flags.file ?? '';
  if (flags.sku !== undefined || flags.quantity !== undefined)
    throw new UsageError('give either --file or --sku/--quantity, not both');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown } | null)?.items;
  if (!Array.isArray(items) || items.length === 0)
    throw new UsageError(
      `${path}: expected a non-empty array of { sku, quantity, name? } (or { items: [...] })`,
    );
  // The service validates each item and answers every problem at once.
  return items as SeedItem[];
}

async function postStock(url: string, items: readonly SeedItem[], token: string): Promise<StockLevel[]> {
  const endpoint = new URL('/admin/stock', url).href;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ items }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new FailedError(
      `cannot reach the inventory service at ${url}: ${cause?.code ?? cause?.message ?? String(error)}`,
    );
  }
  const text = await response.text();
  const body = parseJson(text);
  if (response.status === 400) {
    const errors = (body as { errors?: { field: string; message: string }[] } | undefined)?.errors ?? [];
    throw new UsageError(
      `the service refused the stock, nothing was added:\n${errors.map((e) => `  ${e.field}: ${e.message}`).join('\n') || `  ${text}`}`,
    );
  }
  if (response.status === 401 || response.status === 403)
    throw new UsageError(
      `the service refused the token (${response.status}), nothing was added: ${
        (body as { message?: string } | undefined)?.message ?? text.slice(0, 200)
      }`,
    );
  if (!response.ok) throw new FailedError(`${endpoint} answered ${response.status}: ${text.slice(0, 500)}`);
  const levels = (body as { items?: StockLevel[] } | undefined)?.items;
  if (!Array.isArray(levels))
    throw new FailedError(`${endpoint} answered an unexpected body: ${text.slice(0, 500)}`);
  return levels;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
