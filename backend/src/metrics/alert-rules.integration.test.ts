import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { extractGrafanaRules, REPO, type ExtractedRule } from '../test/grafana-rules.js';

const run = promisify(execFile);

/** Alert → its scenario: input series (1 m steps) and what ALERTS shows at given minutes. */
const SCENARIOS: {
  alert: string;
  series: { series: string; values: string }[];
  labels: string;
  at: { minute: number; state: 'pending' | 'firing' | 'none' }[];
}[] = [
  {
    alert: 'DBPatrolCriticalFinding',
    series: [
      {
        series:
          'dbpatrol_check_failing{business="pay",host="h1",instance="pay-db",engine="mariadb",tier="weekly",check="mysql.auto-increment-exhaustion",catalog_ref="MY-W05",severity="critical"}',
        values: '1x10',
      },
      // A warning failure never alerts.
      {
        series:
          'dbpatrol_check_failing{business="pay",host="h1",instance="pay-db",engine="mariadb",tier="weekly",check="mysql.x",catalog_ref="MY-W01",severity="warning"}',
        values: '1x40',
      },
    ],
    labels:
      'business="pay",host="h1",instance="pay-db",engine="mariadb",check="mysql.auto-increment-exhaustion",catalog_ref="MY-W05",severity="critical"',
    at: [
      { minute: 3, state: 'pending' },
      { minute: 6, state: 'firing' },
      { minute: 20, state: 'none' },
    ],
  },
  {
    alert: 'DBPatrolLowScore',
    series: [
      {
        series: 'dbpatrol_instance_score{business="pay",host="h1",instance="pay-db",engine="mariadb",tier="daily"}',
        values: '50x20 90x30',
      },
    ],
    labels: 'business="pay",host="h1",instance="pay-db",engine="mariadb",severity="warning"',
    at: [
      { minute: 5, state: 'pending' },
      { minute: 16, state: 'firing' },
      { minute: 25, state: 'none' },
    ],
  },
  {
    alert: 'DBPatrolScheduleOverdue',
    series: [
      { series: 'dbpatrol_schedule_period_seconds{schedule="hourly",tier="daily"}', values: '3600x160' },
      { series: 'dbpatrol_schedule_updated_timestamp_seconds{schedule="hourly",tier="daily"}', values: '0x160' },
      // Never succeeded until minute 131, when a run finishes at 7,800 s.
      {
        series: 'dbpatrol_schedule_last_success_timestamp_seconds{schedule="hourly",tier="daily"}',
        values: '_x130 7800x30',
      },
    ],
    labels: 'schedule="hourly",tier="daily",severity="critical"',
    at: [
      { minute: 100, state: 'none' },
      { minute: 125, state: 'firing' },
      { minute: 140, state: 'none' },
    ],
  },
  {
    alert: 'DBPatrolOccurrenceMissed',
    series: [
      { series: 'dbpatrol_schedule_missed_occurrences_total{schedule="nightly",tier="daily"}', values: '0x10 1x90' },
    ],
    labels: 'schedule="nightly",tier="daily",severity="warning"',
    at: [
      { minute: 5, state: 'none' },
      { minute: 15, state: 'firing' },
      { minute: 80, state: 'none' },
    ],
  },
  {
    alert: 'DBPatrolChecksErroring',
    series: [
      {
        series:
          'dbpatrol_instance_checks_errored{business="pay",host="h1",instance="pay-db",engine="mariadb",tier="daily"}',
        values: '2x40 0x40',
      },
    ],
    labels: 'business="pay",host="h1",instance="pay-db",engine="mariadb",severity="warning"',
    at: [
      { minute: 10, state: 'pending' },
      { minute: 35, state: 'firing' },
      { minute: 50, state: 'none' },
    ],
  },
  {
    alert: 'DBPatrolBackendNotScraped',
    series: [{ series: 'up{job="dbpatrol",instance="backend:8470"}', values: '1x10 0x20 1x30' }],
    labels: 'severity="critical"',
    at: [
      { minute: 8, state: 'none' },
      { minute: 13, state: 'pending' },
      { minute: 18, state: 'firing' },
      { minute: 35, state: 'none' },
    ],
  },
];

describe('alert rules', () => {
  let dir: string;
  let extracted: ExtractedRule[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-rules-'));
    extracted = (await extractGrafanaRules()).rules;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Prometheus rule file says what the provisioned Grafana rules say', async () => {
    const prom = YAML.parse(await readFile(path.join(REPO, 'prometheus/rules/dbpatrol.rules.yml'), 'utf8')) as {
      groups: { rules: ExtractedRule[] }[];
    };
    const promRules = prom.groups.flatMap((g) => g.rules);
    expect(promRules.map((r) => r.alert).sort()).toEqual(extracted.map((r) => r.alert).sort());
    for (const r of extracted)
      expect(
        promRules.find((p) => p.alert === r.alert),
        r.alert,
      ).toEqual(r);
  });

  it('every rule has severity, English and Chinese texts and a link to the app', () => {
    for (const r of extracted) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      for (const key of ['summary', 'summary_zh', 'description', 'description_zh']) {
        expect(r.annotations[key], `${r.alert}: ${key}`).toMatch(/\S/);
      }
      expect(r.annotations.summary_zh, r.alert).toMatch(/[\u4e00-\u9fff]/);
      expect(r.annotations.reports_url, r.alert).toMatch(/^\/a\/dbpatrol-inspection-app\//);
    }
    expect(SCENARIOS.map((s) => s.alert).sort()).toEqual(extracted.map((r) => r.alert).sort());
  });

  it('the extracted PromQL goes pending → firing → resolved on series fixtures (promtool test rules)', async () => {
    const rulesFile = path.join(dir, 'grafana-extracted.rules.yml');
    await writeFile(rulesFile, YAML.stringify({ groups: [{ name: 'extracted', interval: '1m', rules: extracted }] }));
    const tests = {
      rule_files: [rulesFile],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: SCENARIOS.flatMap((s) => s.series),
          promql_expr_test: SCENARIOS.flatMap((s) =>
            s.at.map((a) => ({
              expr: `ALERTS{alertname="${s.alert}"}`,
              eval_time: `${a.minute}m`,
              exp_samples:
                a.state === 'none'
                  ? []
                  : [{ labels: `ALERTS{alertname="${s.alert}",alertstate="${a.state}",${s.labels}}`, value: 1 }],
            })),
          ),
        },
      ],
    };
    const testFile = path.join(dir, 'tests.yml');
    await writeFile(testFile, YAML.stringify(tests));
    const out = await run('promtool', ['test', 'rules', testFile]).catch((err: { stdout: string; stderr: string }) => {
      throw new Error(`promtool failed:\n${err.stdout}\n${err.stderr}`);
    });
    expect(out.stdout).toContain('SUCCESS');
  });

  it('a wrong expectation fails promtool (the fixture test can fail)', async () => {
    const rulesFile = path.join(dir, 'grafana-extracted.rules.yml');
    await writeFile(rulesFile, YAML.stringify({ groups: [{ name: 'extracted', interval: '1m', rules: extracted }] }));
    const critical = SCENARIOS[0]!;
    const testFile = path.join(dir, 'wrong.yml');
    await writeFile(
      testFile,
      YAML.stringify({
        rule_files: [rulesFile],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: critical.series,
            // Still pending at 3 minutes: claiming it fires must fail.
            promql_expr_test: [
              {
                expr: `ALERTS{alertname="${critical.alert}"}`,
                eval_time: '3m',
                exp_samples: [
                  { labels: `ALERTS{alertname="${critical.alert}",alertstate="firing",${critical.labels}}`, value: 1 },
                ],
              },
            ],
          },
        ],
      }),
    );
    await expect(run('promtool', ['test', 'rules', testFile])).rejects.toThrow();
  });

  it('promtool check rules accepts the Prometheus rule file', async () => {
    const { stdout } = await run('promtool', [
      'check',
      'rules',
      path.join(REPO, 'prometheus/rules/dbpatrol.rules.yml'),
    ]);
    expect(stdout).toContain(`SUCCESS: ${extracted.length} rules found`);
  });
});
