/**
 * What a folder of V8 CPU profiles (`pnpm bench <name> --profile`) says, without opening them one
 * by one: for each profile, the share of samples by where the code comes from (our packages, each
 * dependency, Node's own internals, GC, idle) and the functions with the most self time.
 *
 *   node --import tsx test-e2e/bench/profile-summary.ts .stack/profiles/lifecycle-… [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
const top = Number(values.top);
const dir = positionals[0];
if (!dir) throw new Error('usage: profile-summary <folder of .cpuprofile files> [--top N]');

for (const file of profilesUnder(dir)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + micros);
    total += micros;
  });
  const busy = total - sumWhere(self, byId, (node) => node.callFrame.functionName === '(idle)');
  if (busy <= 0) continue;
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const origin = originOf(node.callFrame.url, node.callFrame.functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + micros);
    const where = `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    functions.set(where, (functions.get(where) ?? 0) + micros);
  }
  const share = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  process.stdout.write(
    `\n${relative(process.cwd(), file)}: ${(busy / 1e6).toFixed(1)} s busy of ${(total / 1e6).toFixed(1)} s\n`,
  );
  process.stdout.write('  by origin:\n');
  for (const [origin, micros] of sorted(origins).slice(0, 14))
    process.stdout.write(`    ${share(micros)}  ${origin}\n`);
  process.stdout.write(`  top ${top} functions by self time:\n`);
  for (const [where, micros] of sorted(functions).slice(0, top))
    process.stdout.write(`    ${share(micros)}  ${where}\n`);
}

function profilesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return profilesUnder(path);
    return entry.endsWith('.cpuprofile') ? [path] : [];
  });
}

function sumWhere(
  self: Map<number, number>,
  byId: Map<number, ProfileNode>,
  test: (node: ProfileNode) => boolean,
): number {
  let sum = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (node && test(node)) sum += micros;
  }
  return sum;
}

/** `@acme/messaging`, `kafkajs`, `node:internal`, `(garbage collector)`, … */
function originOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency?.[1]) return dependency[1];
  const ours = /\/(packages|apps)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1] === 'packages' ? '@acme/' : 'app '}${ours[2]}`;
  return basename(url);
}

function shortUrl(url: string): string {
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.*)$/.exec(url);
  if (dependency?.[1]) return dependency[1];
  const ours = /\/((?:packages|apps)\/.*)$/.exec(url);
  return ours?.[1] ?? url.replace(/^file:\/\//, '');
}

function sorted(map: Map<string, number>): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]);
}
