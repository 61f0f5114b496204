import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../checks/registry.js';
import { myQualified } from '../../checks/quote.js';
import { MARIADB_ROOT } from '../../test/mysql-fixtures.js';
import { createScratchDatabase, randomSuffix } from '../../test/pg-fixtures.js';
import { inspectChecks, mariadbRootTarget, postgresSuperTarget } from '../../test/targets-fixture.js';
import type { InspectionReport } from '../report.types.js';
import { exportInspection, exportReport, type ExportOptions } from './export-report.js';
import type { InspectionExportInput, ReportExportInput } from './report-view.js';
import { verifyReportJson } from './verify.js';

const run = promisify(execFile);
const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));
const suffix = randomSuffix();
const MY_NAME = `pay<&>"'支付 01`;
const PG_NAME = `crm "总账" & <pg> 02`;
const myDb = `dbp_export_${suffix}`;
const NO_PK = ['no pk "a"', 'no pk <b>', '无主键 c'];

let tmp: string;
let pgDb: Awaited<ReturnType<typeof createScratchDatabase>>;
let myReport: InspectionReport;
let pgReport: InspectionReport;
let inspection: InspectionExportInput;

/** Every finding's object, over both reports. */
const allObjects = () => [...myReport.findings, ...pgReport.findings].map((f) => f.object);
const squash = (s: string) => s.replace(/\s+/g, '');

async function plantMariaDb(): Promise<void> {
  const c = await createConnection({ ...MARIADB_ROOT, multipleStatements: false });
  try {
    await c.query(`CREATE DATABASE \`${myDb}\``);
    for (const t of NO_PK) await c.query(`CREATE TABLE ${myQualified(myDb, t)} (a INT, b INT)`);
    await c.query(`CREATE TABLE ${myQualified(myDb, 'legacy')} (id INT PRIMARY KEY) ENGINE = MyISAM`);
  } finally {
    await c.end();
  }
}

async function plantPostgres(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE TABLE "no pk ""x""" (a int, b int)');
    await c.query('CREATE TABLE "无主键 y" (a int)');
    await c.query('CREATE TABLE dup (id int PRIMARY KEY, a int)');
    await c.query('CREATE INDEX dup_a1 ON dup (a)');
    await c.query('CREATE INDEX dup_a2 ON dup (a)');
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'dbpatrol-export-'));
  await plantMariaDb();
  pgDb = await createScratchDatabase('dbp_export');
  await plantPostgres(pgDb.url);
  const my = mariadbRootTarget();
  const pgt = postgresSuperTarget();
  try {
    [myReport, pgReport] = await Promise.all([
      inspectChecks(my, CHECKS, { tier: 'weekly', instance: { name: MY_NAME, engine: 'mariadb' }, language: 'zh' }),
      inspectChecks(pgt, CHECKS, {
        tier: 'weekly',
        instance: { name: PG_NAME, engine: 'postgres' },
        language: 'en',
        databases: { include: [pgDb.name] },
      }),
    ]);
  } finally {
    await Promise.all([my.close(), pgt.close()]);
  }
  // A waiver and a comparison as the waiver and diff features will hand them over.
  const waived = myReport.findings.find((f) => f.object.includes('无主键 c'))!;
  const mine = {
    ...myReport,
    id: 'rep-my',
    findings: myReport.findings.map((f) =>
      f === waived
        ? {
            ...f,
            waiver: { owner: 'dba-lead 王', reason: 'legacy table, retired in Q1', expiresAt: '2027-03-31T16:00:00Z' },
          }
        : f,
    ),
  };
  const firstPg = pgReport.findings[0]!;
  inspection = {
    inspection: {
      id: `insp-${suffix}`,
      trigger: { kind: 'schedule', scheduleId: 's1', scheduleName: '每周三 weekly <core>' },
      tier: 'weekly',
      window: myReport.window,
      state: 'partial',
      createdAt: myReport.startedAt,
      startedAt: myReport.startedAt,
      finishedAt: pgReport.finishedAt,
      progress: [
        { instanceId: 'i1', instanceName: MY_NAME, state: 'done', checksDone: 1, checksTotal: 1, reportId: 'rep-my' },
        { instanceId: 'i2', instanceName: PG_NAME, state: 'done', checksDone: 1, checksTotal: 1, reportId: 'rep-pg' },
        {
          instanceId: 'i3',
          instanceName: 'gone-03',
          state: 'failed',
          checksDone: 0,
          checksTotal: 9,
          error: 'no route',
        },
      ],
    },
    reports: [
      { report: mine, business: '支付 payments', host: 'db-pay-01' },
      {
        report: { ...pgReport, id: 'rep-pg' },
        business: 'CRM & ledger',
        host: 'db-crm-02',
        diff: {
          new: [{ checkId: firstPg.checkId, object: firstPg.object }],
          persisting: [],
          resolved: [{ checkId: 'postgres.x', object: 'old' }],
          notInspected: [],
        },
      },
    ],
  };
}, 120_000);

afterAll(async () => {
  const c = await createConnection(MARIADB_ROOT);
  await c.query(`DROP DATABASE IF EXISTS \`${myDb}\``).finally(() => c.end());
  await pgDb?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const opts = (format: ExportOptions['format'], lang: ExportOptions['lang'] = 'zh'): ExportOptions => ({
  format,
  lang,
  timeZone: 'Asia/Shanghai',
});

describe('the reports being exported', () => {
  it('are real inspections with findings of several objects per check on both servers', () => {
    expect(myReport.reachable && pgReport.reachable).toBe(true);
    const myNoPk = myReport.findings.filter((f) => f.checkId === 'mysql.tables-without-primary-key');
    expect(myNoPk.map((f) => f.object).filter((o) => o.includes(myDb))).toHaveLength(3);
    expect(pgReport.findings.some((f) => f.object.includes('无主键 y'))).toBe(true);
    expect(pgReport.checks.some((c) => c.status === 'skipped')).toBe(true);
  });
});

describe('PDF', () => {
  it('holds the Chinese title, the awkward instance names and every finding object, page numbers and the id', async () => {
    const out = await exportInspection(inspection, opts('pdf'));
    expect(out.contentType).toBe('application/pdf');
    expect(out.filename).toBe(`dbpatrol-inspection-insp-${suffix}-zh.pdf`);
    expect(out.body.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(tmp, 'inspection.pdf');
    await writeFile(file, out.body);
    const { stdout: text } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { maxBuffer: 64 << 20 });
    const flat = squash(text);
    expect(text).toContain('数据库巡检报告');
    expect(text).toContain(MY_NAME);
    expect(text).toContain(PG_NAME);
    expect(text).toContain('未巡检');
    for (const object of allObjects()) expect(flat, object).toContain(squash(object));
    const pages = Number(/共 (\d+) 页/.exec(text)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(text).toContain(`第 ${pages} 页，共 ${pages} 页`);
    expect(text.split(`巡检编号 insp-${suffix}`).length - 1).toBeGreaterThanOrEqual(pages);
    expect(flat).toContain(myReport.contentHash);
    expect(flat).toContain(squash(myReport.catalogVersion));
    // The 10 MB font is embedded as a subset of the glyphs used.
    expect(out.body.length).toBeLessThan(1_500_000);
    await mkdir(SCREENSHOTS, { recursive: true });
    await run('pdftoppm', [
      '-png',
      '-r',
      '70',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      path.join(SCREENSHOTS, 'report-pdf'),
    ]);
    expect((await readFile(path.join(SCREENSHOTS, 'report-pdf.png'))).subarray(1, 4).toString()).toBe('PNG');
  });

  it('of one report in English starts with the instance, not a cover', async () => {
    const out = await exportReport({ report: { ...pgReport, id: 'rep-pg' } }, opts('pdf', 'en'));
    const file = path.join(tmp, 'report.pdf');
    await writeFile(file, out.body);
    const { stdout: text } = await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']);
    expect(text.split('\n').slice(0, 3).join('\n')).toContain(PG_NAME);
    expect(text).not.toContain('Triggered by');
    expect(text).toContain('Report rep-pg');
    expect(text).toMatch(/GMT\+08:00/);
    for (const f of pgReport.findings) expect(squash(text)).toContain(squash(f.object));
  });
});

describe('XLSX', () => {
  it('reopens with Summary, Findings and Checks sheets, filters, frozen headers and every finding', async () => {
    const out = await exportInspection(inspection, opts('xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Summary', 'Findings', 'Checks']);

    const findings = wb.getWorksheet('Findings')!;
    const header = (findings.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['业务', '主机', '实例']);
    expect(findings.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(findings.autoFilter).toBeTruthy();
    const col = (name: string) => header.indexOf(name) + 1;
    const rows = findings.getRows(2, findings.rowCount - 1)!;
    expect(rows.map((r) => r.getCell(col('对象')).text).sort()).toEqual(allObjects().sort());
    const waivedRow = rows.find((r) => r.getCell(col('对象')).text.includes('无主键 c'))!;
    expect(waivedRow.getCell(col('状态')).text).toBe('已豁免');
    expect(waivedRow.getCell(col('豁免负责人')).text).toBe('dba-lead 王');
    expect(waivedRow.getCell(col('实例')).text).toBe(MY_NAME);
    expect(rows.some((r) => r.getCell(col('较上次新增')).text === '新增')).toBe(true);
    // Widths fit: the object column is wider than its header, and nothing exceeds the cap.
    expect(findings.getColumn(col('对象')).width).toBeGreaterThan(8);
    for (const c of findings.columns) expect(c.width).toBeLessThanOrEqual(60);

    const summary = wb.getWorksheet('Summary')!;
    const texts: string[] = [];
    summary.eachRow((r) => r.eachCell((c) => texts.push(c.text)));
    expect(texts).toContain(MY_NAME);
    expect(texts).toContain('计划 每周三 weekly <core>');
    expect(texts).toContain(myReport.contentHash);
    expect(texts).toContain(myReport.catalogVersion);
    expect(texts).toContain('gone-03');
    expect(texts.some((t) => t.includes('无报告') && t.includes('no route'))).toBe(true);
    const headerRow = summary.views[0]!.state === 'frozen' ? (summary.views[0] as { ySplit: number }).ySplit : 0;
    expect(summary.getRow(headerRow).getCell(1).text).toBe('业务');
    const scores = summary.getRows(headerRow + 1, 2)!.map((r) => [r.getCell(3).text, r.getCell(5).value]);
    expect(scores).toEqual(
      expect.arrayContaining([
        [MY_NAME, myReport.score],
        [PG_NAME, pgReport.score],
      ]),
    );

    const checks = wb.getWorksheet('Checks')!;
    expect(checks.rowCount - 1).toBe(myReport.checks.length + pgReport.checks.length);
  });
});

/** RFC 4180 parsing, enough to read the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) endRow();
  return rows;
}

describe('CSV', () => {
  it('is UTF-8 with a BOM and parses back to one row per finding', async () => {
    const out = await exportInspection(inspection, opts('csv'));
    expect([...out.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(out.contentType).toBe('text/csv; charset=utf-8');
    const rows = parseCsv(out.body.toString('utf8').slice(1));
    const [header, ...data] = rows;
    expect(header).toContain('对象');
    expect(data).toHaveLength(allObjects().length);
    for (const r of data) expect(r).toHaveLength(header!.length);
    const obj = header!.indexOf('对象');
    expect(data.map((r) => r[obj]).sort()).toEqual(allObjects().sort());
    expect(new Set(data.map((r) => r[header!.indexOf('实例')]))).toEqual(new Set([MY_NAME, PG_NAME]));
    expect(data.every((r) => r[header!.indexOf('内容哈希（SHA-256）')]?.match(/^[0-9a-f]{64}$/))).toBe(true);
  });
});

describe('HTML', () => {
  it('renders in Chromium without any request beyond the file, escapes names, shows each remediation once', async () => {
    const out = await exportInspection(inspection, opts('html'));
    const file = path.join(tmp, 'inspection.html');
    await writeFile(file, out.body);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const requests: string[] = [];
      await page.route('**/*', (route) => {
        requests.push(route.request().url());
        return route.request().url() === pathToFileURL(file).href ? route.continue() : route.abort();
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(await page.title()).toContain('数据库巡检报告');
      const body = (await page.textContent('body'))!;
      expect(body).toContain(MY_NAME);
      expect(body).toContain(PG_NAME);
      expect(body).toContain('未巡检');
      for (const o of allObjects()) expect(body).toContain(o);
      expect(await page.locator('section.instance').count()).toBe(2);
      const noPk = CHECKS.find((c) => c.id === 'mysql.tables-without-primary-key')!;
      expect(body.split(noPk.remediation.zh).length - 1).toBe(1);
      await page.emulateMedia({ media: 'print' });
      const breaks = await page.$$eval('section.instance', (els) =>
        els.map(
          (e) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { breakBefore: string } }).getComputedStyle(e)
              .breakBefore,
        ),
      );
      expect(breaks).toEqual(['page', 'page']);
      await page.emulateMedia({ media: 'screen' });
      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'report-html.png') });
    } finally {
      await browser.close();
    }
  });

  it('in English shows the registry English remediation and every label in English', async () => {
    const out = await exportReport(inspection.reports[0] as ReportExportInput, opts('html', 'en'));
    const html = out.body.toString('utf8');
    const noPk = CHECKS.find((c) => c.id === 'mysql.tables-without-primary-key')!;
    expect(html).toContain(noPk.remediation.en.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
    expect(html).not.toContain(noPk.remediation.zh);
    expect(html).toContain('NOT INSPECTED');
    expect(html).toContain(
      MY_NAME.replace('&', '&amp;')
        .replace('<', '&lt;')
        .replace('>', '&gt;')
        .replace('"', '&quot;')
        .replace("'", '&#39;'),
    );
    expect(html).not.toMatch(/\b(src|href)\s*=|url\(|@import/i);
  });
});

describe('JSON and verification', () => {
  it('exports the report document itself and detects one edited byte', async () => {
    const out = await exportReport({ report: myReport }, opts('json'));
    const text = out.body.toString('utf8');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(myReport)));
    expect(verifyReportJson(text)).toMatchObject({ intact: true, reports: [{ intact: true, instance: MY_NAME }] });
    // One byte: a digit of the score, or a letter of an object name.
    const at = text.indexOf(`"score": ${myReport.score}`) + 9;
    const edited = text.slice(0, at) + String((Number(text[at]) + 1) % 10) + text.slice(at + 1);
    expect(Buffer.byteLength(edited)).toBe(Buffer.byteLength(text));
    expect(verifyReportJson(edited).intact).toBe(false);
    const objAt = text.indexOf('no pk <b>') + 3;
    const edited2 = text.slice(0, objAt) + 'q' + text.slice(objAt + 1);
    expect(verifyReportJson(edited2)).toMatchObject({ intact: false, reports: [{ intact: false }] });
  });

  it('verifies a report whose keys a store reordered and which carries stored columns', async () => {
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([a], [b]) => b.localeCompare(a))
                .map(([k, x]) => [k, sortKeys(x)]),
            )
          : v;
    const stored = sortKeys({ ...pgReport, id: 'rep-pg', instanceId: 'i2', maxSeverity: 'warning' });
    expect(verifyReportJson(JSON.stringify(stored)).intact).toBe(true);
  });

  it('verifies every report of an exported inspection and names the altered one', async () => {
    // As the runner stored them (a waiver overlaid after the run is not part of the hashed content).
    const asRun = {
      ...inspection,
      reports: inspection.reports.map((r, i) => (i === 0 ? { ...r, report: myReport } : r)),
    };
    const out = await exportInspection(asRun, opts('json'));
    const text = out.body.toString('utf8');
    expect(verifyReportJson(text).intact).toBe(true);
    const doc = JSON.parse(text) as { reports: InspectionReport[] };
    doc.reports.find((r) => r.instance.name === PG_NAME)!.findings[0]!.severity = 'info';
    const result = verifyReportJson(JSON.stringify(doc));
    expect(result.intact).toBe(false);
    expect(Object.fromEntries(result.reports.map((r) => [r.instance, r.intact]))).toEqual({
      [MY_NAME]: true,
      [PG_NAME]: false,
    });
  });

  it.each([
    ['not JSON', '{"score": '],
    ['no report', '{"hello": 1}'],
    ['no hash', '{"findings": []}'],
  ])('says a file with %s is not intact', (_name, text) => {
    const result = verifyReportJson(text);
    expect(result.intact).toBe(false);
    expect(result.error).toBeTruthy();
  });
});
