/**
 * The Grafana dashboards, checked without a running stack: they parse, their uids and panel ids are
 * unique, every panel says what it shows, every data source exists in provisioning, and every query
 * is PromQL that promtool accepts and selects only metrics the services really expose. Whether each
 * query returns data is for an end-to-end run (`dashboardQueries` gives it the queries).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  dashboardQueries,
  dashboardsDir,
  flatPanels,
  knownMetrics,
  metricNames,
  readDashboards,
  type DashboardQuery,
} from '../src/dashboards.js';
import { repoRoot } from '../src/paths.js';
import { promtool } from './promtool.js';

const dashboards = readDashboards();
const queries = dashboardQueries();
const provisioned = new Set(
  (
    parse(
      readFileSync(join(repoRoot(), 'infra/grafana/provisioning/datasources/datasources.yml'), 'utf8'),
    ) as { datasources: { uid: string }[] }
  ).datasources.map((d) => d.uid),
);

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-dashboards-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * promtool cannot check a lone expression, but it checks rule files: one recording rule per query,
 * named after its dashboard, panel and refId so a failure says which one.
 */
function checkQueries(list: readonly DashboardQuery[]) {
  const file = join(dir, 'dashboard-queries.yml');
  const rules = list.map((q) => ({
    record: `dashboard:${q.file.replace(/\.json$/, '').replace(/\W/g, '_')}:panel${String(q.panelId)}_${q.refId}`,
    expr: q.expr,
  }));
  writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
  return promtool('check', 'rules', file);
}

/** The metric selector of a `label_values(selector, label)` variable query. */
function variableSelector(definition: string): string | undefined {
  return /^label_values\((.+),\s*\w+\)$/.exec(definition.trim())?.[1];
}

it('finds the dashboards and their queries', () => {
  expect([...dashboards.keys()]).toEqual(
    expect.arrayContaining([
      'stack-overview.json',
      'system-overview.json',
      'saga.json',
      'kafka-consumers.json',
      'outbox-dlq.json',
    ]),
  );
  expect(queries.length).toBeGreaterThan(20);
});

it('gives every dashboard its own uid (Grafana would load only one of two)', () => {
  const uids = [...dashboards.values()].map((d) => d.uid);
  expect(uids.filter((uid, i) => uids.indexOf(uid) !== i)).toEqual([]);
});

describe.each([...dashboards])('%s', (file, dashboard) => {
  const panels = flatPanels(dashboard.panels);

  it('is schema version 39 and described', () => {
    expect({ schemaVersion: dashboard.schemaVersion, described: Boolean(dashboard.description) }).toEqual({
      schemaVersion: 39,
      described: true,
    });
  });

  it('has unique panel ids and a description on every panel', () => {
    const ids = panels.map((p) => p.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(panels.filter((p) => p.type !== 'row' && !p.description?.trim()).map((p) => p.title)).toEqual([]);
  });

  it('refers only to provisioned data sources, by uid', () => {
    const refs = [
      ...panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
      ...(dashboard.templating?.list ?? []).map((v) => v.datasource),
    ].flatMap((ds) => (ds ? [ds.uid] : []));
    expect(refs.filter((uid) => uid === undefined || !provisioned.has(uid))).toEqual([]);
  });

  it('has template variables whose queries select known metrics', () => {
    for (const v of dashboard.templating?.list ?? []) {
      const selector = variableSelector(v.definition ?? '');
      if (selector === undefined)
        throw new Error(`variable ${v.name}: not a label_values(selector, label) query`);
      expect(metricNames(selector).filter((m) => !knownMetrics.has(m))).toEqual([]);
    }
  });
});

describe('the queries', () => {
  it('have every Grafana variable replaced', () => {
    expect(queries.filter((q) => /\$|\[\[/.test(q.expr))).toEqual([]);
  });

  it('are valid PromQL (`promtool check rules`)', () => {
    expect(checkQueries(queries)).toMatchObject({ status: 0 });
  });

  it('select only metrics the services and Prometheus expose', () => {
    const unknown = queries.flatMap((q) =>
      metricNames(q.expr)
        .filter((m) => !knownMetrics.has(m))
        .map((metric) => ({ file: q.file, panel: q.panel, metric })),
    );
    expect(unknown).toEqual([]);
  });
});

describe('the checks have teeth', () => {
  const sample: DashboardQuery = {
    file: 'broken.json',
    dashboard: 'broken',
    panelId: 7,
    panel: 'Broken',
    refId: 'A',
    expr: 'sum(rate(messaging_messages_total[1m])',
  };

  it('promtool rejects a broken expression and names its panel', () => {
    const result = checkQueries([...queries, sample]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('dashboard:broken:panel7_A');
  });

  it('a misspelt metric is not known', () => {
    const names = metricNames('sum(rate(messaging_mesages_total{outcome="handled"}[1m]))');
    expect(names).toEqual(['messaging_mesages_total']);
    expect(names.filter((m) => !knownMetrics.has(m))).toEqual(['messaging_mesages_total']);
  });

  it('a variable without a value is refused, naming the panel', () => {
    const broken = join(dir, 'dashboards');
    mkdirSync(broken);
    writeFileSync(
      join(broken, 'x.json'),
      JSON.stringify({
        uid: 'x',
        title: 'X',
        panels: [
          { id: 3, type: 'timeseries', title: 'Lag', targets: [{ refId: 'A', expr: 'up{job="$job"}' }] },
        ],
      }),
    );
    expect(() => dashboardQueries(broken)).toThrow(
      'x.json, panel 3 "Lag", query A: no value for the Grafana variable $job',
    );
  });
});

describe('dashboardQueries', () => {
  it('replaces the built-in intervals and an "All" variable by its allValue', () => {
    const lag = queries.find((q) => q.dashboard === 'kafka-consumers' && q.panel === 'Handled per second');
    expect(lag?.expr).toBe(
      'sum by (service, group, type) (rate(messaging_messages_total{service=~".+", outcome="handled"}[1m]))',
    );
    const range = dashboardQueries(dashboardsDir(), { range: '30m' }).find((q) =>
      q.expr.includes('increase(saga_outcomes_total[30m])'),
    );
    expect(range).toBeDefined();
  });
});

describe('metricNames', () => {
  it.each([
    ['up', ['up']],
    [
      'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{status=~"5.."}[5m])))',
      ['http_request_duration_seconds_bucket'],
    ],
    [
      '1 - sum(rate(a_total{x="y"}[1m] offset 5m)) / ignoring(reason) group_left sum without (instance) (b_total) > bool 1e3',
      ['a_total', 'b_total'],
    ],
    ['label_replace(c_seconds, "d", "$1", "e", "(.*)") and on (f) g', ['c_seconds', 'g']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});
