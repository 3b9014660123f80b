/**
 * The suite's closing table, and the two profiles it runs in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invariantNames, type Verdict } from './invariants.js';

export interface Profile {
  name: 'short' | 'long';
  /** Orders per load scenario. */
  orders: number;
  /** Orders started per second. */
  rate: number;
  /** How many times each service is SIGKILLed, and the rate of orders meanwhile (the kills take a while). */
  killRounds: number;
  killRate: number;
  /** How long Kafka and Postgres stay down. */
  outageMs: number;
  /** Order deadline (ORDER_DEADLINE_MS): async payments nobody confirms are cancelled after it. */
  deadlineMs: number;
  /** Deadline for the invariants to hold after a fault. */
  recoverWithinMs: number;
}

/** short: CI (the whole step in a few minutes on two cores); long: FAULTS_PROFILE=long. */
export function profileFrom(env: NodeJS.ProcessEnv): Profile {
  if (env.FAULTS_PROFILE === 'long')
    return {
      name: 'long',
      orders: 200,
      rate: 8,
      killRounds: 3,
      killRate: 3,
      outageMs: 10_000,
      deadlineMs: 20_000,
      recoverWithinMs: 180_000,
    };
  return {
    name: 'short',
    orders: 40,
    rate: 5,
    killRounds: 1,
    killRate: 1.5,
    outageMs: 3_000,
    deadlineMs: 15_000,
    recoverWithinMs: 90_000,
  };
}

export interface Row {
  scenario: string;
  orders: number;
  faults: string;
  /** Fault injected → every invariant held; undefined when they never did. */
  recoveredMs: number | undefined;
  verdict: Verdict | undefined;
  note?: string;
}

const held = (row: Row): string => {
  if (!row.verdict) return row.note ?? 'not checked';
  const broken = invariantNames.filter((n) => (row.verdict?.[n].length ?? 0) > 0);
  return broken.length === 0 ? `all ${invariantNames.length}` : `BROKEN: ${broken.join('; ')}`;
};

/** A fixed-width table, one row per scenario. */
export function renderTable(profile: Profile, rows: readonly Row[]): string {
  const header = ['scenario', 'orders', 'faults injected', 'time to recover', 'invariants held'];
  const body = rows.map((r) => [
    r.scenario,
    String(r.orders),
    r.faults,
    r.recoveredMs === undefined ? '—' : `${(r.recoveredMs / 1000).toFixed(1)} s`,
    held(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    `Fault suite, ${profile.name} profile (invariants: ${invariantNames.join(', ')})`,
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
    '',
  ].join('\n');
}

/** Print the table (through jest's own output) and keep a copy under the stack's reports. */
export function publishTable(table: string, stackDir: string): void {
  process.stdout.write(`\n${table}\n`);
  const dir = join(stackDir, 'reports');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'faults.txt'), table);
}
