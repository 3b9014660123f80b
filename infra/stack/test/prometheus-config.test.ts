/**
 * The Prometheus configurations and rules, checked by Prometheus's own `promtool` (Debian's
 * `prometheus` package, which `pnpm stack up` installs): the native file as the stack manager
 * renders it, the compose file as docker-compose mounts it, and the alerting rules both load, with
 * their unit tests (infra/prometheus/tests) and runbook (infra/prometheus/RUNBOOK.md).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { endpoints, loadStackConfig, type StackConfig } from '../src/config.js';
import { knownMetrics, metricNames } from '../src/dashboards.js';
import { PrometheusPart } from '../src/parts/prometheus.js';
import { renderTemplate } from '../src/parts/template.js';
import { repoRoot } from '../src/paths.js';
import { promtool } from './promtool.js';

const root = repoRoot();
const rulesDir = join(root, 'infra/prometheus/rules');
const ruleFiles = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join(rulesDir, f));
const ruleTests = join(root, 'infra/prometheus/tests/rules.test.yml');
const runbook = 'infra/prometheus/RUNBOOK.md';

interface AlertRule {
  alert: string;
  expr: string;
  annotations?: Record<string, string>;
}

const alerts: AlertRule[] = ruleFiles.flatMap((file) =>
  (parse(readFileSync(file, 'utf8')) as { groups: { rules: (AlertRule | { record: string })[] }[] }).groups
    .flatMap((g) => g.rules)
    .filter((r): r is AlertRule => 'alert' in r),
);

/** Exposes the part's real configuration step (render the template, create directories). */
class PreparedPrometheus extends PrometheusPart {
  render(): Promise<void> {
    return this.prepare();
  }
}

interface PromConfig {
  rule_files?: string[];
  scrape_configs?: {
    job_name: string;
    honor_labels?: boolean;
    static_configs?: { targets: string[] }[];
    file_sd_configs?: { files: string[] }[];
  }[];
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-prometheus-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('has alerting rules to check', () => {
  expect(ruleFiles.length).toBeGreaterThan(0);
});

describe('infra/prometheus/prometheus.native.yml, rendered by the stack manager', () => {
  let config: StackConfig;
  let rendered: string;

  beforeEach(async () => {
    config = loadStackConfig({ STACK_DIR: join(dir, 'stack'), PROMETHEUS_PORT: '29090' });
    await new PreparedPrometheus(config).render();
    rendered = join(config.confDir, 'prometheus', 'prometheus.yml');
  });

  it('fills every placeholder with the configured directories and port', () => {
    const text = readFileSync(rendered, 'utf8');
    const yaml = parse(text) as PromConfig;
    const targetsDir = endpoints(config).PROMETHEUS_TARGETS_DIR;
    expect(text).not.toMatch(/\$\{[A-Z0-9_]+\}/);
    expect(existsSync(targetsDir)).toBe(true);
    expect(yaml.rule_files).toEqual([`${rulesDir}/*.yml`]);
    const jobs = new Map(yaml.scrape_configs?.map((j) => [j.job_name, j]));
    expect(jobs.get('prometheus')?.static_configs).toEqual([{ targets: ['127.0.0.1:29090'] }]);
    expect(jobs.get('services')?.file_sd_configs?.[0]?.files).toEqual([`${targetsDir}/*.json`]);
    // The apps' own `service` label wins over the target file's (not renamed exported_service).
    expect(jobs.get('services')?.honor_labels).toBe(true);
  });

  it('passes `promtool check config`, loading every rule file and a registered target', () => {
    // A target file in the format the template documents, as a service would write it.
    writeFileSync(
      join(endpoints(config).PROMETHEUS_TARGETS_DIR, 'order.json'),
      JSON.stringify([{ targets: ['127.0.0.1:9464'], labels: { service: 'order' } }]),
    );
    const result = promtool('check', 'config', rendered);
    expect(result).toMatchObject({ status: 0 });
    // The rules glob must match the real files: a glob matching nothing passes silently.
    expect(result.output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
    expect(result.output).not.toContain('WARNING');
  });

  it('is rejected by promtool when its rules do not load (the check has teeth)', () => {
    const brokenRules = join(dir, 'broken-rules');
    mkdirSync(brokenRules);
    writeFileSync(
      join(brokenRules, 'broken.yml'),
      stringify({ groups: [{ name: 'broken', rules: [{ alert: 'Broken', expr: 'up ==' }] }] }),
    );
    renderTemplate(join(root, 'infra/prometheus/prometheus.native.yml'), rendered, {
      TARGETS_DIR: endpoints(config).PROMETHEUS_TARGETS_DIR,
      RULES_DIR: brokenRules,
      PROMETHEUS_PORT: config.PROMETHEUS_PORT,
    });
    const result = promtool('check', 'config', rendered);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/broken\.yml.*parse error/s);
  });
});

describe('infra/prometheus/rules', () => {
  it('passes `promtool check rules`', () => {
    const result = promtool('check', 'rules', ...ruleFiles);
    expect(result).toMatchObject({ status: 0 });
    expect(result.output).not.toContain('FAILED');
  });

  it('passes its unit tests (`promtool test rules`)', () => {
    expect(promtool('test', 'rules', ruleTests)).toMatchObject({ status: 0 });
  });

  it('has unit tests in which every alert fires, and in which it must stay quiet', () => {
    const tests = (
      parse(readFileSync(ruleTests, 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
      }
    ).tests.flatMap((t) => t.alert_rule_test ?? []);
    // An expectation of no alerts (`exp_alerts: []` or none) is a case where the alert must stay quiet.
    const firing = new Set(tests.filter((t) => (t.exp_alerts ?? []).length > 0).map((t) => t.alertname));
    const quiet = new Set(tests.filter((t) => (t.exp_alerts ?? []).length === 0).map((t) => t.alertname));
    const names = alerts.map((a) => a.alert).sort();
    expect({ neverFiring: names.filter((a) => !firing.has(a)) }).toEqual({ neverFiring: [] });
    expect({ neverQuiet: names.filter((a) => !quiet.has(a)) }).toEqual({ neverQuiet: [] });
  });

  it('fails those unit tests when an alert is loosened (they have teeth)', () => {
    // A copy of rules/ and tests/ side by side, as the test file's `../rules/*.yml` expects, with
    // the dead-letter alert's threshold raised so the poison message of its test no longer fires it.
    cpSync(rulesDir, join(dir, 'rules'), { recursive: true });
    mkdirSync(join(dir, 'tests'));
    cpSync(ruleTests, join(dir, 'tests', 'rules.test.yml'));
    const platform = join(dir, 'rules', 'platform.yml');
    const text = readFileSync(platform, 'utf8');
    const loosened = text.replace('(messaging_dlq_depth) > 0', '(messaging_dlq_depth) > 1');
    expect(loosened).not.toBe(text);
    writeFileSync(platform, loosened);
    const result = promtool('test', 'rules', join(dir, 'tests', 'rules.test.yml'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('alertname: DeadLetterQueueNotEmpty');
  });

  it('gives every alert a summary, a description and a runbook section that exists', () => {
    const text = readFileSync(join(root, runbook), 'utf8');
    // GitHub's heading anchors for these one-word headings: the heading in lower case.
    const sections = new Set([...text.matchAll(/^## (.+)$/gm)].map((m) => (m[1] ?? '').trim().toLowerCase()));
    for (const { alert, annotations = {} } of alerts) {
      const { summary = '', description = '' } = annotations;
      expect({ alert, summary: summary !== '', description: description !== '' }).toEqual({
        alert,
        summary: true,
        description: true,
      });
      expect({ alert, runbook: annotations.runbook }).toEqual({
        alert,
        runbook: `${runbook}#${alert.toLowerCase()}`,
      });
      expect({ alert, section: sections.has(alert.toLowerCase()) }).toEqual({ alert, section: true });
    }
  });

  it('uses only metrics the services and Prometheus expose (a typo would never fire)', () => {
    const unknown = alerts.flatMap(({ alert, expr }) =>
      metricNames(expr)
        .filter((m) => !knownMetrics.has(m))
        .map((metric) => ({ alert, metric })),
    );
    expect(unknown).toEqual([]);
  });
});

describe('infra/prometheus/prometheus.compose.yml', () => {
  const composeConfig = join(root, 'infra/prometheus/prometheus.compose.yml');

  it('passes `promtool check config` as docker-compose mounts it', () => {
    expect(promtool('check', 'config', composeConfig)).toMatchObject({ status: 0 });
  });

  it("keeps the apps' own `service` label (honor_labels), as the native file does", () => {
    const yaml = parse(readFileSync(composeConfig, 'utf8')) as PromConfig;
    expect(yaml.scrape_configs?.find((j) => j.job_name === 'services')?.honor_labels).toBe(true);
  });

  it('loads the real rules from where docker-compose mounts them', () => {
    // rule_files points into the container (/etc/prometheus/rules, where docker-compose.yml mounts
    // infra/prometheus/rules). promtool accepts a glob that matches nothing without a word, so the
    // check above never reads a rule. A copy pointing at the real directory makes it load them.
    const yaml = parse(readFileSync(composeConfig, 'utf8')) as PromConfig;
    expect(yaml.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).toContain(
      './infra/prometheus/rules:/etc/prometheus/rules:ro',
    );
    mkdirSync(join(dir, 'compose'));
    const copy = join(dir, 'compose', 'prometheus.yml');
    writeFileSync(copy, stringify({ ...yaml, rule_files: [`${rulesDir}/*.yml`] }));
    const result = promtool('check', 'config', copy);
    expect(result).toMatchObject({ status: 0 });
    expect(result.output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
  });
});
