/**
 * Where the CPU goes during a benchmark run: user + system seconds of every process on the machine
 * that takes part — each service, Postgres (postmaster and every backend), Kafka, the registry,
 * Jaeger, Prometheus, and this process (the load generator and the event tap) — read from
 * /proc/<pid>/stat before and after the run. Linux only; elsewhere every figure is 0.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds so far, by part (`order`, `postgres`, `kafka`, …, `bench`, `other`). */
export type CpuSample = Map<string, number>;

/** USER_HZ: clock ticks per second of /proc/<pid>/stat's utime and stime (100 on every Linux we run). */
const ticksPerSecond = 100;

/**
 * A sample of every process, each named by `nameOf(pid)` when it is one of ours (the services), or
 * by what its command line says it is. Processes that ended since an earlier sample drop out of
 * the difference; the parts we measure live for the whole run.
 */
export function sampleCpu(services: ReadonlyMap<number, string>): CpuSample {
  const sample: CpuSample = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return sample;
  }
  for (const entry of pids) {
    const pid = Number(entry);
    const seconds = cpuSeconds(pid);
    if (seconds === undefined || seconds === 0) continue;
    const part = services.get(pid) ?? (pid === process.pid ? 'bench' : partOf(pid));
    sample.set(part, (sample.get(part) ?? 0) + seconds);
  }
  return sample;
}

/** CPU seconds each part used between two samples, largest first, without parts that used none. */
export function cpuBetween(before: CpuSample, after: CpuSample): [string, number][] {
  return [...after]
    .map(([part, seconds]): [string, number] => [part, seconds - (before.get(part) ?? 0)])
    .filter(([, seconds]) => seconds > 0.005)
    .sort((a, b) => b[1] - a[1]);
}

/** "order 9.1 ms, postgres 7.3 ms, …" — CPU milliseconds per operation of every part. */
export function formatCpuPer(used: [string, number][], ops: number, unit: string): string {
  const total = used.reduce((sum, [, seconds]) => sum + seconds, 0);
  const parts = used.map(([part, seconds]) => `${part} ${((seconds * 1000) / ops).toFixed(1)}`).join(', ');
  return `CPU ms per ${unit}: ${parts} (all ${((total * 1000) / ops).toFixed(1)})`;
}

function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Which stack part a process is, from its command line. */
function partOf(pid: number): string {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return 'other';
  }
  if (/^postgres[: ]|\/postgres /.test(cmdline)) return 'postgres';
  if (cmdline.includes('kafka.Kafka')) return 'kafka';
  if (cmdline.includes('apicurio')) return 'registry';
  if (cmdline.includes('all-in-one') || cmdline.includes('jaeger')) return 'jaeger';
  if (cmdline.includes('prometheus')) return 'prometheus';
  return 'other';
}
