import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { repoRoot } from './paths.js';

/** One Prometheus query of a Grafana dashboard panel, ready for Prometheus's HTTP API. */
export interface DashboardQuery {
  /** The dashboard's file name, e.g. `saga.json`. */
  file: string;
  /** The dashboard's uid. */
  dashboard: string;
  panelId: number;
  /** The panel's title. */
  panel: string;
  refId: string;
  /** The query with every Grafana variable replaced (see {@link dashboardQueries}). */
  expr: string;
}

/** What Grafana's built-in interval variables stand for when a query runs outside Grafana. */
export interface QueryIntervals {
  /** `$__rate_interval` and `$__interval`; default `1m` (the scrape interval is 5 s). */
  rateInterval?: string;
  /** `$__range`, the dashboard's time range; default `1h`. */
  range?: string;
}

const datasourceRef = z.object({ uid: z.string().optional() }).optional();
const target = z.object({ refId: z.string(), expr: z.string().optional(), datasource: datasourceRef });

/** A panel, as far as this module and the dashboard tests read it. */
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  description?: string | undefined;
  datasource?: z.infer<typeof datasourceRef>;
  targets?: z.infer<typeof target>[] | undefined;
  /** A row's panels, when it is collapsed. */
  panels?: DashboardPanel[] | undefined;
}
const panel: z.ZodType<DashboardPanel> = z.lazy(() =>
  z.object({
    id: z.number(),
    type: z.string(),
    title: z.string(),
    description: z.string().optional(),
    datasource: datasourceRef,
    targets: z.array(target).optional(),
    panels: z.array(panel).optional(),
  }),
);
const variable = z.object({
  name: z.string(),
  datasource: datasourceRef,
  /** The variable's query (`label_values(metric, label)` for a Prometheus one). */
  definition: z.string().optional(),
  includeAll: z.boolean().optional(),
  allValue: z.string().nullish(),
  current: z.object({ value: z.union([z.string(), z.array(z.string())]).optional() }).optional(),
});
const dashboardSchema = z.object({
  uid: z.string(),
  title: z.string(),
  description: z.string().optional(),
  schemaVersion: z.number().optional(),
  panels: z.array(panel),
  templating: z.object({ list: z.array(variable) }).optional(),
});

/** A dashboard JSON file, parsed as far as the queries go (other fields are Grafana's business). */
export type Dashboard = z.infer<typeof dashboardSchema>;

/** infra/grafana/dashboards, which Grafana's provisioning loads. */
export function dashboardsDir(root: string = repoRoot()): string {
  return join(root, 'infra/grafana/dashboards');
}

/** Every `*.json` dashboard of a directory, by file name; throws naming the file that does not parse. */
export function readDashboards(dir: string = dashboardsDir()): Map<string, Dashboard> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return new Map(
    files.map((file) => {
      try {
        return [file, dashboardSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')))];
      } catch (error) {
        throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }),
  );
}

/**
 * Every Prometheus query of every panel (rows included) of the dashboards in `dir`, with Grafana's
 * variables replaced so Prometheus's HTTP API can run it: `$__rate_interval` and `$__interval` by
 * `rateInterval`, `$__range` by `range`, a dashboard variable with "All" by its `allValue` (`.+`
 * when unset: every value) and any other by its current value. A variable it cannot resolve
 * throws, naming the dashboard and panel, rather than reach Prometheus as a parse error.
 *
 * @example
 *   for (const q of dashboardQueries()) {
 *     const url = `${process.env.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q.expr)}`;
 *     const body = await (await fetch(url)).json();
 *     expect({ ...q, series: body.data.result.length }).not.toMatchObject({ series: 0 });
 *   }
 */
export function dashboardQueries(
  dir: string = dashboardsDir(),
  { rateInterval = '1m', range = '1h' }: QueryIntervals = {},
): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const [file, dashboard] of readDashboards(dir)) {
    const values = new Map<string, string>([
      ['__rate_interval', rateInterval],
      ['__interval', rateInterval],
      ['__range', range],
    ]);
    for (const v of dashboard.templating?.list ?? []) {
      const current = v.current?.value;
      const value = Array.isArray(current) ? current[0] : current;
      if (v.includeAll && (value === undefined || value === '$__all')) values.set(v.name, v.allValue ?? '.+');
      else if (value !== undefined) values.set(v.name, value);
    }
    for (const p of flatPanels(dashboard.panels)) {
      for (const t of p.targets ?? []) {
        if (t.expr === undefined) continue;
        const where = `${file}, panel ${String(p.id)} "${p.title}", query ${t.refId}`;
        queries.push({
          file,
          dashboard: dashboard.uid,
          panelId: p.id,
          panel: p.title,
          refId: t.refId,
          expr: substitute(t.expr, values, where),
        });
      }
    }
  }
  return queries;
}

/** The panels of a dashboard, those inside (collapsed) rows included. */
export function flatPanels(panels: readonly DashboardPanel[]): DashboardPanel[] {
  return panels.flatMap((p) => [p, ...flatPanels(p.panels ?? [])]);
}

// Grafana's variable syntaxes: $name, ${name}, ${name:format}, [[name]].
const variableRef = /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g;

function substitute(expr: string, values: ReadonlyMap<string, string>, where: string): string {
  return expr.replace(variableRef, (match, braced?: string, bare?: string, bracketed?: string) => {
    const name = braced ?? bare ?? bracketed ?? '';
    const value = values.get(name);
    if (value !== undefined) return value;
    // $1, ${1}: a label_replace replacement, which Grafana leaves alone too.
    if (/^\d+$/.test(name)) return match;
    throw new Error(`${where}: no value for the Grafana variable ${match}`);
  });
}

const histograms = [
  'messaging_handler_duration_seconds',
  'outbox_publish_batch_duration_seconds',
  'http_request_duration_seconds',
  'saga_duration_seconds',
  'nodejs_gc_duration_seconds',
];

/**
 * The metric names dashboards and alerts may use: what the services expose (every series also
 * carries `service`), prom-client's default process metrics, and Prometheus's own `up`. A name
 * outside it is a typo or a metric nobody exports, which Prometheus would answer with no data.
 */
export const knownMetrics: ReadonlySet<string> = new Set([
  // @acme/messaging
  'messaging_messages_total',
  'messaging_retries_total',
  'messaging_consumer_lag',
  'messaging_dlq_depth',
  // @acme/outbox
  'outbox_backlog',
  'outbox_oldest_pending_age_seconds',
  'outbox_published_total',
  'outbox_publish_failures_total',
  'outbox_relay_active',
  // @acme/scheduler
  'deadlines_pending',
  'deadlines_overdue_seconds',
  'deadlines_fired_total',
  'deadlines_failed_total',
  // @acme/projections (analytics)
  'projection_active_generation',
  'projection_rebuild_lag_messages',
  'projection_rebuild_messages_per_second',
  // HTTP (every service) and the order saga
  'http_requests_total',
  'saga_outcomes_total',
  // prom-client's collectDefaultMetrics
  'process_cpu_seconds_total',
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
  'process_start_time_seconds',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
  'nodejs_version_info',
  // Prometheus, per target
  'up',
  ...histograms.flatMap((h) => [`${h}_bucket`, `${h}_sum`, `${h}_count`]),
]);

// Binary operators and modifiers (`group_left` may stand without a label list).
const keywords = new Set([
  ...[
    'and',
    'or',
    'unless',
    'bool',
    'offset',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'by',
    'without',
  ],
  ...['inf', 'nan'],
]);

/**
 * The metric names a PromQL expression selects, found lexically (promtool has no parse-and-print):
 * strings, label matchers, ranges and label lists are dropped, then every identifier not followed
 * by `(` (a function or aggregation) and not a keyword is a metric name.
 *
 * @example
 *   metricNames('sum by (le) (rate(saga_duration_seconds_bucket{service="order"}[1m]))')
 *   // → ['saga_duration_seconds_bucket']
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  // A token starting with a digit is a number or a duration (0.95, 1e3, 5m), never a name.
  for (const m of bare.matchAll(/\d[\w.]*|[a-zA-Z_:][\w:]*/g)) {
    const token = m[0];
    if (/^\d/.test(token) || keywords.has(token.toLowerCase())) continue;
    if (
      bare
        .slice(m.index + token.length)
        .trimStart()
        .startsWith('(')
    )
      continue;
    names.add(token);
  }
  return [...names];
}
