/**
 * Issue 9: the five services' HTTP APIs fuzzed from their own OpenAPI documents with schemathesis,
 * the services running as OS processes on the real stack. First a negative pass — inputs that
 * violate the documents — in which every request must be refused with a 4xx and no service may
 * write a single event or outbox row; then a positive pass with no 5xx and every answer as
 * documented. A failure shows schemathesis' own report (operation, check, curl) and, for each 5xx,
 * the service's error line.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSchemathesis, loadStackConfig } from '@acme/stack';
import { adminSubject, mintToken } from '../system/api.js';
import { mapLimit } from '../system/map-limit.js';
import { serviceNames } from '../system/system.js';
import { systemWorld, type SystemWorld } from '../system/world.js';
import { excluded, exclusionKey, operationsOf, type Caller, type Operation } from './operations.js';
import { fuzz, schemathesisReport, seed, serverErrorLines, type FuzzRun, type Mode } from './schemathesis.js';
import { written } from './written.js';

/** The latest run's reports (one folder per schemathesis run); gitignored with the rest of .stack. */
const reportDir = join(loadStackConfig(process.env).stackDir, 'reports', 'fuzz');

let world: SystemWorld;
let st: string;
let operations: Operation[];
let tokens: Record<Caller, string>;

beforeAll(async () => {
  rmSync(reportDir, { recursive: true, force: true });
  // Installed by `pnpm test` in a step of its own; here only checked (or installed for a bare jest run).
  st = await ensureSchemathesis();
  world = await systemWorld('fuzz');
  tokens = {
    customer: mintToken(world.system.authSecret, { subject: 'fuzz-customer' }),
    admin: mintToken(world.system.authSecret, { subject: adminSubject, roles: ['admin'] }),
  };
  operations = (
    await Promise.all(
      serviceNames.map(async (name) => {
        const res = await fetch(`${world.system.url(name)}/docs/json`);
        if (res.status !== 200) throw new Error(`${name}: GET /docs/json answered ${res.status}`);
        return operationsOf(name, await res.json());
      }),
    )
  ).flat();
}, 180_000);

afterAll(async () => {
  if ((world as SystemWorld | undefined) !== undefined) await world.close();
}, 120_000);

it('takes every operation of every document, each as the caller its document names, and excludes only what it says why', () => {
  const known = new Set(operations.map(exclusionKey));
  expect(Object.keys(excluded).filter((key) => !known.has(key))).toEqual([]);
  expect(serviceNames.filter((name) => !operations.some((o) => o.service === name))).toEqual([]);
  const callerOf = (service: string, label: string) =>
    operations.find((o) => o.service === service && o.label === label)?.caller;
  // A role route is documented with its 403 and so runs with the admin token; others as a customer.
  expect([
    callerOf('order', 'POST /orders'),
    callerOf('order', 'POST /orders/{id}/ship'),
    callerOf('inventory', 'POST /admin/stock'),
    callerOf('payment', 'POST /webhooks/provider'),
    callerOf('analytics', 'GET /outcomes'),
  ]).toEqual(['customer', 'admin', 'admin', 'customer', 'admin']);
});

it('refuses every request that violates a document with a 4xx, and writes no event or outbox row', async () => {
  // Nothing else talks to these services: no traffic runs, and they have scratch databases of
  // their own. So any row that appears during this pass was written by a fuzzed request.
  const before = await written(world);
  const runs = await pass('negative');
  const after = await written(world);

  const problems = runs.flatMap((run) => {
    // A 5xx is in schemathesis' own report already (not_a_server_error), with the service's log line.
    const accepted = run.exchanges.filter(
      (e) => e.violatesDocument && (e.status === undefined || e.status < 400),
    );
    return [
      ...failures(run),
      ...(accepted.length === 0
        ? []
        : [
            `${run.label}: ${accepted.length} request(s) violating the document not refused with a 4xx:\n` +
              accepted
                .map(
                  (e) =>
                    `  ${e.status ?? 'no answer'} to ${e.request}\n    (${e.operation}: ${e.scenario}) ${e.body}`,
                )
                .join('\n'),
          ]),
    ];
  });
  if (JSON.stringify(after) !== JSON.stringify(before))
    problems.push(
      `rows written during the negative pass (events, outbox per service):\n  before ${JSON.stringify(before)}\n  after  ${JSON.stringify(after)}`,
    );
  failIf(problems);
  // It did fuzz: every run sent requests, and hundreds of them in all violate their document (a
  // run over probes alone has nothing to violate: it sends undocumented methods and content types).
  expect(runs.filter((run) => run.exchanges.length === 0).map((run) => run.label)).toEqual([]);
  expect(
    runs.reduce((n, run) => n + run.exchanges.filter((e) => e.violatesDocument).length, 0),
  ).toBeGreaterThan(200);
});

it('answers every valid request without a 5xx, with the status codes, types and bodies its document gives', async () => {
  const before = await written(world);
  const runs = await pass('positive');
  // The negative pass's probe is not blind: the stock this pass adds (POST /admin/stock, 201) is
  // in inventory's event store and outbox.
  const after = await written(world);
  expect(after.inventory.events - before.inventory.events).toBeGreaterThan(0);
  expect(after.inventory.outbox - before.inventory.outbox).toBeGreaterThan(0);
  failIf(runs.flatMap(failures));
  expect(runs.reduce((n, run) => n + run.exchanges.length, 0)).toBeGreaterThan(200);
});

/**
 * One schemathesis run per service and caller (a customer's token for customer and public
 * operations, an admin's for role routes), three at a time: most of a run is Python starting
 * and waiting on answers, and the machine's two cores are shared with the five services.
 */
async function pass(mode: Mode): Promise<FuzzRun[]> {
  const plans = serviceNames.flatMap((service) =>
    (['customer', 'admin'] as const).map((caller) => ({
      service,
      caller,
      operationIds: operations
        .filter((o) => o.service === service && o.caller === caller && !(exclusionKey(o) in excluded))
        .map((o) => o.operationId),
    })),
  );
  return mapLimit(
    plans.filter((plan) => plan.operationIds.length > 0),
    3,
    (plan) =>
      fuzz({
        st,
        ...plan,
        baseUrl: world.system.url(plan.service),
        token: tokens[plan.caller],
        mode,
        dir: join(reportDir, `${mode}-${plan.service}-${plan.caller}`),
      }),
  );
}

/**
 * A failed run: schemathesis' report when it failed, and the service's error line behind each 5xx
 * (a documented 5xx too, which schemathesis lets pass: none is expected from a healthy service).
 */
function failures(run: FuzzRun): string[] {
  const errors = serverErrorLines(run, world.system.services[run.service].logFile);
  if (run.exitCode === 0 && errors.length === 0) return [];
  return [
    [
      `━━ ${run.label}: schemathesis exited ${run.exitCode ?? 'on a signal'} (seed ${seed}; reports in ${reportDir})`,
      ...(run.exitCode === 0 ? [] : [schemathesisReport(run)]),
      ...(errors.length === 0 ? [] : ['5xx answers, with the service log line behind each:', ...errors]),
    ].join('\n'),
  ];
}

function failIf(problems: string[]): void {
  if (problems.length === 0) return;
  const hint =
    'The curl commands show the bearer token as [Filtered]: mint one as the README says under Security.';
  throw new Error(`\n${problems.join('\n\n')}\n\n${hint}`);
}
