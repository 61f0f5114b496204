import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';
import { waitFor } from '../test/silent-server.js';
import { verifyReportJson } from './export/verify.js';

const run = promisify(execFile);

/** Exports over real HTTP of a real inspection (embedded store, a worker) of the local PostgreSQL and MariaDB. */
describe('report and inspection exports over REST', () => {
  let api: ApiHarness;
  let tmp: string;
  let inspectionId: string;
  let reportIds: string[];

  const get = async (route: string, token = api.adminToken) => {
    const res = await fetch(`${api.url}/api/v1${route}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'dbpatrol-export-routes-'));
    api = await startApiHarness({ DBPATROL_POLL_MS: '300' }, { worker: true });
    const biz = (await api.call('POST', '/api/v1/businesses', { body: { name: '支付 payments' } })).body.id;
    const host = (
      await api.call('POST', '/api/v1/hosts', { body: { name: 'db-pay-01', businessId: biz, address: '127.0.0.1' } })
    ).body.id;
    const ids: string[] = [];
    for (const body of [
      { name: 'x-pg', hostId: host, engine: 'postgres', port: 5432, user: 'postgres' },
      {
        name: 'x-maria',
        hostId: host,
        engine: 'mariadb',
        port: MARIADB_ROOT.port,
        user: 'root',
        password: MARIADB_ROOT.password,
      },
    ]) {
      ids.push((await api.call('POST', '/api/v1/instances', { body })).body.id);
    }
    inspectionId = (await api.call('POST', '/api/v1/inspections', { body: { instanceIds: ids, tier: 'daily' } })).body
      .id;
    const done = await waitFor(
      async () => {
        const r = await api.call('GET', `/api/v1/inspections/${inspectionId}`);
        return ['succeeded', 'partial', 'failed'].includes(r.body.state) ? r.body : undefined;
      },
      120_000,
      'the inspection to finish',
    );
    reportIds = done.progress.map((p: { reportId: string }) => p.reportId);
    expect(reportIds).toHaveLength(2);
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it.each([
    ['html', 'text/html', '汇总'],
    ['csv', 'text/csv', '级别'],
    ['pdf', 'application/pdf', '数据库巡检报告'],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '数据库巡检报告'],
  ])(
    'inspection as %s in Chinese: content type, file name, Chinese heading, each content hash',
    async (format, type, heading) => {
      const res = await get(`/inspections/${inspectionId}/export?format=${format}&lang=zh`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="dbpatrol-inspection-${inspectionId}-zh.${format}"`,
      );
      let text: string;
      if (format === 'pdf') {
        const file = path.join(tmp, 'i.pdf');
        await writeFile(file, res.body);
        text = (await run('pdftotext', ['-layout', file, '-'])).stdout;
      } else if (format === 'xlsx') {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(res.body as unknown as ArrayBuffer);
        text = wb.worksheets.map((ws) => `${ws.name}\n${ws.getSheetValues().flat().join('\t')}`).join('\n');
      } else {
        text = res.body.toString('utf8');
      }
      expect(text).toContain(heading);
      expect(text).toContain('支付 payments');
      expect(text).toContain('db-pay-01');
      for (const id of reportIds) {
        const report = (await api.call('GET', `/api/v1/reports/${id}`)).body;
        // PDF lines may wrap the 64-digit hash; its first half is enough to identify it.
        expect(text.replace(/\s+/g, '')).toContain(report.contentHash.slice(0, 32));
      }
    },
  );

  it('a report as JSON is the stored document and verifies; HTML times default to UTC and follow tz', async () => {
    const json = await get(`/reports/${reportIds[0]}/export?format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toContain('application/json');
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="dbpatrol-report-x-.+\.json"$/);
    expect(verifyReportJson(json.body.toString('utf8'))).toMatchObject({ intact: true });
    const edited = json.body.toString('utf8').replace('"reachable": true', '"reachable": false');
    expect(verifyReportJson(edited).intact).toBe(false);

    const utc = (await get(`/reports/${reportIds[0]}/export?format=html&lang=en`)).body.toString('utf8');
    expect(utc).toContain('GMT+00:00');
    expect(utc).not.toContain('GMT+08:00');
    const shanghai = (await get(`/reports/${reportIds[0]}/export?format=html&lang=zh&tz=Asia/Shanghai`)).body;
    expect(shanghai.toString('utf8')).toContain('GMT+08:00');
  });

  it('a report stored before texts became bilingual (single strings) is served, exported and still verifies', async () => {
    const current = (await api.call('GET', `/api/v1/reports/${reportIds[1]}`)).body;
    const { contentHash: _old, id: _id, ...rest } = current;
    const legacyContent = {
      ...rest,
      findings: [{ ...current.findings[0], message: 'legacy message in English', remediation: 'legacy fix' }],
      checks: current.checks.map((c: { reason?: unknown }) => (c.reason ? { ...c, reason: 'legacy reason' } : c)),
    };
    const { hashReport } = await import('./content-hash.js');
    const { instanceId: _i, inspectionId: _n, businessId: _b, trigger: _t, maxSeverity: _m, ...doc } = legacyContent;
    // A legacy document does not fit today's InspectionReport type: that is the point of the test.
    const legacy = { ...legacyContent, id: `legacy-${Date.now()}`, contentHash: hashReport(doc as never) };
    delete legacy.inspectionId;
    expect(await api.ctx.store.reports.insert(legacy)).toBe(true);
    const read = await api.call('GET', `/api/v1/reports/${legacy.id}`);
    expect(read.status).toBe(200);
    expect(read.body.findings[0].message).toBe('legacy message in English');
    const zh = (await get(`/reports/${legacy.id}/export?format=html&lang=zh`)).body.toString('utf8');
    expect(zh).toContain('legacy message in English');
    expect(zh).toContain('legacy reason');
    const json = (await get(`/reports/${legacy.id}/export?format=json`)).body.toString('utf8');
    expect(verifyReportJson(json).intact).toBe(true);
  });

  it.each([
    ['format=doc', 'format'],
    ['format=pdf&lang=fr', 'lang'],
    ['format=pdf&tz=Mars/Olympus', 'tz'],
  ])('400 naming the field for %s', async (query, field) => {
    const res = await api.call('GET', `/api/v1/reports/${reportIds[0]}/export?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
  });

  it('404 for an unknown id; a viewer may export', async () => {
    expect((await api.call('GET', '/api/v1/reports/nope/export?format=json')).status).toBe(404);
    expect((await api.call('GET', '/api/v1/inspections/nope/export?format=json')).status).toBe(404);
    const viewer = (await api.call('POST', '/api/v1/tokens', { body: { name: 'export-viewer', role: 'viewer' } })).body;
    expect((await get(`/reports/${reportIds[1]}/export?format=csv`, viewer.token)).status).toBe(200);
  });
});
