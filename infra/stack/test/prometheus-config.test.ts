/**
 * The Prometheus configurations and rules, checked by Prometheus's own `promtool` (Debian's
 * `prometheus` package, which `pnpm stack up` installs): the native file as the stack manager
 * renders it, the compose file as docker-compose mounts it, and the alerting rules both load.
 */
import { spawnSync } from 'node:child_process';
import {
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
import { PrometheusPart } from '../src/parts/prometheus.js';
import { renderTemplate } from '../src/parts/template.js';
import { repoRoot } from '../src/paths.js';

const root = repoRoot();
const rulesDir = join(root, 'infra/prometheus/rules');
const ruleFiles = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join(rulesDir, f));

interface PromtoolResult {
  args: string[];
  status: number | null;
  output: string;
}

/** Run promtool; a missing promtool fails the test (never skips it) and says how to get one. */
function promtool(...args: string[]): PromtoolResult {
  const result = spawnSync('promtool', args, { encoding: 'utf8', timeout: 30_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      'promtool is not on PATH. Run `pnpm stack up` (it apt-installs Debian\'s "prometheus" package, ' +
        'which ships /usr/bin/promtool), or install it yourself: sudo apt-get install -y prometheus',
    );
  }
  if (result.error) throw result.error;
  // On failure Jest prints this whole object: the command and promtool's stdout + stderr.
  return { args, status: result.status, output: `${result.stdout}${result.stderr}` };
}

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

  it('fires ScrapeTargetDown for a target down one minute (`promtool test rules`)', () => {
    const tests = join(dir, 'stack-rules.test.yml');
    writeFileSync(
      tests,
      stringify({
        rule_files: ruleFiles,
        evaluation_interval: '15s',
        tests: [
          {
            interval: '15s',
            input_series: [
              { series: 'up{job="services",instance="127.0.0.1:9464"}', values: '0x8' },
              { series: 'up{job="prometheus",instance="127.0.0.1:19090"}', values: '1x8' },
            ],
            alert_rule_test: [
              { eval_time: '30s', alertname: 'ScrapeTargetDown', exp_alerts: [] },
              {
                eval_time: '90s',
                alertname: 'ScrapeTargetDown',
                exp_alerts: [
                  {
                    exp_labels: { severity: 'warning', job: 'services', instance: '127.0.0.1:9464' },
                    exp_annotations: { summary: 'services target 127.0.0.1:9464 is down' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(promtool('test', 'rules', tests)).toMatchObject({ status: 0 });
  });
});

describe('infra/prometheus/prometheus.compose.yml', () => {
  const composeConfig = join(root, 'infra/prometheus/prometheus.compose.yml');

  it('passes `promtool check config` as docker-compose mounts it', () => {
    expect(promtool('check', 'config', composeConfig)).toMatchObject({ status: 0 });
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
