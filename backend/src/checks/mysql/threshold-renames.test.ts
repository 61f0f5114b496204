import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../test/check-evaluator.js';
import type { AnyCheck, Evaluation, ServerFacts } from '../check.types.js';
import { MYSQL_DAILY_CHECKS } from './daily.list.js';
import { mysqlDeadlocks } from './locks/deadlocks.check.js';
import { mysqlAutoIncrementExhaustion } from './objects/auto-increment-exhaustion.check.js';
import { mysqlLargeTables } from './objects/large-tables.check.js';
import { mysqlOverOpenHosts } from './security/over-open-hosts.check.js';
import { mysqlVersionEol } from './security/version-eol.check.js';
import { CHECKS } from '../registry.js';
import { MYSQL_THRESHOLD_RENAMES } from './threshold-renames.js';
import { MYSQL_WEEKLY_OBJECT_CHECKS } from './weekly-objects.list.js';
import { MYSQL_WEEKLY_SECURITY_CHECKS } from './weekly-security.list.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const { evaluate, findings } = checkEvaluator({
  server: { ...MARIADB_10_11, uptimeSeconds: 30 * 86_400 },
  window: { from: new Date(NOW.getTime() - 86_400_000), to: NOW },
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});
const severities = (e: Evaluation) => findings(e).map((f) => f.severity);

const GiB = 1024 ** 3;
const deadlocks = (n: string) => ({
  counter: [{ deadlocks: n, status: 'enabled', counting_seconds: String(30 * 86_400) }],
});
const autoIncrement = (next: string) => ({
  main: [
    {
      table_schema: 'app',
      table_name: 'seq',
      column_name: 'id',
      data_type: 'smallint',
      column_type: 'smallint(5) unsigned',
      auto_increment: next,
    },
  ],
});
const table = (rows: string, data: number, index: number) => ({
  main: [
    {
      table_schema: 'app',
      table_name: 't',
      engine: 'InnoDB',
      table_rows: rows,
      data_length: String(data),
      index_length: String(index),
    },
  ],
});
const version = { version: [{ version: 'x', comment: '' }] };
const mariadb = (patch: number): ServerFacts => ({
  ...MARIADB_10_11,
  version: `10.11.${patch}`,
  versionNum: 101100 + patch,
});
const MYSQL_80: ServerFacts = { ...MYSQL_8_0, version: '8.0.42', versionNum: 80042 };

/** Overriding the new key changes the outcome; the old key no longer does (stored overrides need the migration). */
const CASES: {
  check: AnyCheck;
  oldKey: string;
  newKey: string;
  rows: Record<string, unknown[]>;
  value: number | boolean;
  server?: ServerFacts;
  now?: Date;
  before: string[];
  after: string[];
}[] = [
  // 3 deadlocks: more than 0 warns; "more than 3" does not (the limit stays exclusive).
  {
    check: mysqlDeadlocks,
    oldKey: 'warnAbove',
    newKey: 'warnCount',
    rows: deadlocks('3'),
    value: 3,
    before: ['warning'],
    after: [],
  },
  // 49151 of 65535 = 74.99 %.
  {
    check: mysqlAutoIncrementExhaustion,
    oldKey: 'warningPercent',
    newKey: 'warnPercent',
    rows: autoIncrement('49151'),
    value: 74,
    before: [],
    after: ['warning'],
  },
  // 49152 of 65535 = 75 %: reaching the critical limit counts (inclusive, as before).
  {
    check: mysqlAutoIncrementExhaustion,
    oldKey: 'criticalPercent',
    newKey: 'critPercent',
    rows: autoIncrement('49152'),
    value: 75,
    before: ['warning'],
    after: ['critical'],
  },
  {
    check: mysqlLargeTables,
    oldKey: 'largeTableBytes',
    newKey: 'maxTableBytes',
    rows: table('10', 2 * GiB, 0),
    value: GiB,
    before: [],
    after: ['info'],
  },
  {
    check: mysqlLargeTables,
    oldKey: 'largeTableRows',
    newKey: 'maxTableRows',
    rows: table('20000000', 1024, 0),
    value: 30_000_000,
    before: ['info'],
    after: [],
  },
  {
    check: mysqlLargeTables,
    oldKey: 'indexLargerMinBytes',
    newKey: 'minIndexBytes',
    rows: table('10', 16_384, 65_536),
    value: 0,
    before: [],
    after: ['warning'],
  },
  // MySQL 8.0 ends on 2026-04-30: 181 days before is outside the default 180-day notice.
  {
    check: mysqlVersionEol,
    oldKey: 'eolNoticeDays',
    newKey: 'minEolNoticeDays',
    rows: version,
    value: 200,
    server: MYSQL_80,
    now: new Date('2025-11-01T00:00:00Z'),
    before: [],
    after: ['info'],
  },
  // 10.11.16 is 3 patch releases behind 10.11.19; 3 reaches a limit of 3.
  {
    check: mysqlVersionEol,
    oldKey: 'patchesBehindWarn',
    newKey: 'warnPatchesBehindCount',
    rows: version,
    value: 3,
    server: mariadb(16),
    before: [],
    after: ['warning'],
  },
  // An account open to '%' on a loopback-only server: lowered to info by default, kept a warning when switched off
  // (the old switch skipped it instead; an old stored value is upgraded at read time, see thresholds.test.ts).
  {
    check: mysqlOverOpenHosts,
    oldKey: 'ignoreRemoteWhenLoopbackOnly',
    newKey: 'lowerWhenLoopbackOnly',
    rows: {
      network: [
        { Variable_name: 'bind_address', Value: '127.0.0.1' },
        { Variable_name: 'skip_networking', Value: 'OFF' },
      ],
      accounts: [{ user: 'app', host: '%', access: '1', privs: null }],
    },
    value: false,
    before: ['info'],
    after: ['warning'],
  },
];

describe('MySQL threshold renames', () => {
  it.each(CASES.map((c) => [`${c.check.id}: ${c.oldKey} → ${c.newKey}`, c] as const))('%s', (_name, c) => {
    const opts = { ...(c.server ? { server: c.server } : {}), ...(c.now ? { now: c.now } : {}) };
    const defaults = c.check.thresholds.defaults as Record<string, unknown>;
    expect(defaults).toHaveProperty(c.newKey);
    expect(defaults).not.toHaveProperty(c.oldKey);
    expect(MYSQL_THRESHOLD_RENAMES[c.check.id]?.[c.oldKey]).toBe(c.newKey);
    expect(severities(evaluate(c.check, c.rows, opts))).toEqual(c.before);
    expect(severities(evaluate(c.check, c.rows, { ...opts, thresholds: { [c.newKey]: c.value } }))).toEqual(c.after);
    expect(severities(evaluate(c.check, c.rows, { ...opts, thresholds: { [c.oldKey]: c.value } }))).toEqual(c.before);
    expect(c.check.thresholds.schema.safeParse({ ...defaults, [c.newKey]: c.value }).success).toBe(true);
  });

  it('records exactly the renames tested above', () => {
    const tested = CASES.map((c) => `${c.check.id} ${c.oldKey} ${c.newKey}`).sort();
    const recorded = Object.entries(MYSQL_THRESHOLD_RENAMES)
      .flatMap(([id, keys]) => Object.entries(keys).map(([from, to]) => `${id} ${from} ${to}`))
      .sort();
    expect(recorded).toEqual(tested);
  });
});

const GRADED = /^(warn|crit|info)([A-Z][a-z]+)*(Percent|Seconds|Minutes|Hours|Days|Bytes|Count|Ratio|PerDay)$/;
const LIMIT = /^(min|max)[A-Z][A-Za-z]*$/;
const LIST = /^(allowed|ignore|exempt)[A-Z][A-Za-z]*$/;

describe('MySQL threshold vocabulary', () => {
  // Every MySQL/MariaDB check of every tier and source (monthly, annual, host, history included).
  const checks = CHECKS.filter((c) => c.engine === 'mysql');
  it('covers the daily and weekly lists too', () => {
    for (const c of [...MYSQL_DAILY_CHECKS, ...MYSQL_WEEKLY_OBJECT_CHECKS, ...MYSQL_WEEKLY_SECURITY_CHECKS])
      expect(checks).toContain(c);
  });
  it.each(
    checks.flatMap((c) =>
      Object.entries(c.thresholds.defaults as Record<string, unknown>).map(
        ([key, value]) => [c.id, key, value] as const,
      ),
    ),
  )('%s: %s follows the convention', (_id, key, value) => {
    expect(key).not.toMatch(/Pct|Percentage|warning|critical|Warn$|Crit$/);
    if (typeof value === 'boolean') expect(key).toMatch(/^[a-z][A-Za-z]*$/);
    else if (Array.isArray(value)) expect(key).toMatch(LIST);
    else expect(key).toSatisfy((k: string) => GRADED.test(k) || LIMIT.test(k));
  });

  it('rejects the old spellings', () => {
    for (const bad of ['warnPct', 'warningPercent', 'freeWarnPct', 'waitWarnSeconds', 'warnAbove', 'patchesBehindWarn'])
      expect(GRADED.test(bad) || LIMIT.test(bad) || LIST.test(bad)).toBe(false);
  });
});
