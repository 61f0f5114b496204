import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { configure, screen, waitFor, within } from '@testing-library/react';
import type { BackendSrvRequest } from '@grafana/runtime';

import { businesses, hosts, instances } from '../../test/fixtures/inventory';
import { schedules } from '../../test/fixtures/runs';
import { installFixtures, items, ok, renderWithRouter, useEnglish, useSimplifiedChinese } from '../../test/render';
import { diff, previousReport, report, summaryOf } from './report.fixtures';
import { reportTestIds } from './reportTestIds';
import { Reports } from './Reports';

jest.setTimeout(60_000);
// The drawer and its three requests take seconds on a loaded machine; wait on the DOM, never on a fixed clock.
configure({ asyncUtilTimeout: 15_000 });

const byTestId = (id: string) => screen.getByTestId(id);
const findByTestId = (id: string) => screen.findByTestId(id);

const listChoices = {
  'GET businesses': items(businesses),
  'GET hosts': items(hosts),
  'GET instances': items(instances),
  'GET schedules': items(schedules),
};

const detailFixtures = {
  'GET reports/r-42': ok(report),
  'GET reports/r-41': ok(previousReport),
  'GET reports/r-42/diff': ok(diff),
};

function renderReports(route: string) {
  return renderWithRouter(
    <Routes>
      <Route path="reports/*" element={<Reports />} />
    </Routes>,
    { route }
  );
}

describe('Reports list', () => {
  it('lists reports with score, worst finding and trigger, linking each to its detail page', async () => {
    installFixtures({
      ...listChoices,
      'GET reports': items([
        summaryOf({ id: 'r-42', startedAt: '2026-12-06T07:33:32.000Z', score: 64 }),
        summaryOf({
          id: 'r-40',
          startedAt: '2026-12-05T02:00:00.000Z',
          score: 100,
          maxSeverity: undefined,
          trigger: { kind: 'schedule' },
        }),
      ]),
    });
    renderReports('/reports');
    const list = await findByTestId(reportTestIds.list);
    const links = within(list).getAllByRole('link', { name: 'pay-mariadb-ledger' });
    expect(links.map((l) => l.getAttribute('href'))).toEqual([
      '/a/dbpatrol-inspection-app/reports/r-42',
      '/a/dbpatrol-inspection-app/reports/r-40',
    ]);
    expect(list).toHaveTextContent('64');
    expect(list).toHaveTextContent('Manual (alice)');
    expect(within(list).getByText('No findings')).toBeInTheDocument();
    expect(within(list).getByText('Schedule')).toBeInTheDocument();
  });

  it('sends the filters of the URL to GET /reports', async () => {
    const requests = installFixtures({ ...listChoices, 'GET reports': items([]) });
    renderReports('/reports?businessId=b-pay&tier=weekly&severity=critical&inspectionId=insp-7&scheduleId=s-weekly');
    expect(await screen.findByText('No reports match these filters')).toBeInTheDocument();
    const listCall = requests.find((r: BackendSrvRequest) => r.url.endsWith('/reports'));
    expect(listCall?.params).toMatchObject({
      businessId: 'b-pay',
      tier: 'weekly',
      severity: 'critical',
      inspectionId: 'insp-7',
      scheduleId: 's-weekly',
    });
  });

  it('changing the tier filter asks the backend again with it', async () => {
    const requests = installFixtures({ ...listChoices, 'GET reports': items([]) });
    const { user } = renderReports('/reports');
    await screen.findByText('No reports match these filters');
    const filters = byTestId(reportTestIds.filters);
    await user.click(within(filters).getByRole('radio', { name: 'Weekly' }));
    await waitFor(() =>
      expect(requests.some((r) => r.url.endsWith('/reports') && r.params?.tier === 'weekly')).toBe(true)
    );
  });
});

describe('Report detail', () => {
  afterEach(async () => {
    await useEnglish();
  });

  it('shows score, server facts, window and coverage', async () => {
    installFixtures(detailFixtures);
    renderReports('/reports/r-42');
    const summary = await findByTestId(reportTestIds.summary);
    expect(summary).toHaveTextContent(String(report.score));
    expect(summary).toHaveTextContent('pay-mariadb-ledger');
    expect(summary).toHaveTextContent(
      `${report.checks.length} checks: ${report.counts.pass} passed, 10 failed, 1 errored, 10 skipped`
    );
    expect(summary).toHaveTextContent('Findings: 3 critical, 7 warning, 3 info, 1 waived');
    expect(summary).toHaveTextContent(/Window \d{4}-\d\d-\d\d/);
    const server = byTestId(reportTestIds.server);
    expect(server).toHaveTextContent('Flavor');
    expect(server).toHaveTextContent(String(report.server?.versionString ?? ''));
  });

  it('groups findings by severity then category, with value against threshold and remediation', async () => {
    installFixtures(detailFixtures);
    renderReports('/reports/r-42');
    const critical = await findByTestId(reportTestIds.severityGroup('critical'));
    const warning = byTestId(reportTestIds.severityGroup('warning'));
    const info = byTestId(reportTestIds.severityGroup('info'));
    // Order: critical, then warning, then info.
    expect(critical.compareDocumentPosition(warning) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(warning.compareDocumentPosition(info) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(critical).getByText('log_bin')).toBeInTheDocument();
    expect(within(critical).queryByText('default_password_lifetime')).not.toBeInTheDocument();
    expect(within(warning).getByText('Connections')).toBeInTheDocument();
    expect(within(warning).getByText('Locks')).toBeInTheDocument();

    const aborted = within(warning)
      .getAllByTestId(reportTestIds.finding)
      .find((el) => el.textContent?.includes('MY-D06'))!;
    expect(aborted).toHaveTextContent('228 of 629 connection attempts failed');
    expect(aborted).toHaveTextContent('36.25');
    expect(aborted).toHaveTextContent('Remediation: Look for the failing clients');
    // Backend text and values are shown as sent: i18next's default HTML escaping must not reach the page.
    const restart = within(warning)
      .getAllByTestId(reportTestIds.finding)
      .find((el) => el.textContent?.includes('MY-D01'))!;
    expect(restart).toHaveTextContent("the server's own log/ journal");
    expect(restart).toHaveTextContent('Value / threshold: 7205 /');
    expect(document.body.innerHTML).not.toMatch(/&amp;#(39|x2F);/);
  });

  it('shows evidence only on demand', async () => {
    installFixtures(detailFixtures);
    const { user } = renderReports('/reports/r-42');
    const warning = await findByTestId(reportTestIds.severityGroup('warning'));
    const aborted = within(warning)
      .getAllByTestId(reportTestIds.finding)
      .find((el) => el.textContent?.includes('MY-D06'))!;
    expect(within(aborted).queryByTestId(reportTestIds.evidence)).toBeNull();
    await user.click(within(aborted).getByRole('button', { name: 'Show evidence (1 rows)' }));
    const evidence = within(aborted).getByTestId(reportTestIds.evidence);
    expect(within(evidence).getByRole('columnheader', { name: 'Aborted_connects' })).toBeInTheDocument();
    expect(within(evidence).getByRole('cell', { name: '228' })).toBeInTheDocument();
    await user.click(within(aborted).getByRole('button', { name: 'Hide evidence' }));
    expect(within(aborted).queryByTestId(reportTestIds.evidence)).toBeNull();
  });

  it('shows a waived finding with its owner, reason and expiry', async () => {
    installFixtures(detailFixtures);
    renderReports('/reports/r-42');
    const warning = await findByTestId(reportTestIds.severityGroup('warning'));
    const restart = within(warning)
      .getAllByTestId(reportTestIds.finding)
      .find((el) => el.textContent?.includes('MY-D01'))!;
    expect(within(restart).getByText('Waived')).toBeInTheDocument();
    expect(restart).toHaveTextContent(/Accepted by dba-team until 2026-12-31.*planned kernel patch restart/);
  });

  it('lists checks that errored or were skipped with their reasons', async () => {
    installFixtures(detailFixtures);
    renderReports('/reports/r-42');
    const notRun = await findByTestId(reportTestIds.notRun);
    const expected = report.checks.filter((c) => c.status === 'error' || c.status === 'skipped');
    expect(within(notRun).getAllByRole('listitem')).toHaveLength(expected.length);
    expect(notRun).toHaveTextContent(
      "SELECT command denied to user 'dbpatrol'@'10.0.0.5' for table 'innodb_table_stats'"
    );
    expect(notRun).toHaveTextContent('server is not a replica (no replication channel configured)');
    expect(within(notRun).getAllByText('Error')).toHaveLength(1);
  });

  it('puts the previous report beside this one: new and persisting here, resolved there, not inspected below', async () => {
    installFixtures(detailFixtures);
    renderReports('/reports/r-42');
    const panel = await findByTestId(reportTestIds.diff);
    const newer = within(panel).getByTestId(reportTestIds.diffSection('new'));
    expect(newer).toHaveTextContent('New (1)');
    expect(newer).toHaveTextContent('MY-D06');
    const persisting = within(panel).getByTestId(reportTestIds.diffSection('persisting'));
    expect(persisting).toHaveTextContent('Persisting (2)');
    expect(persisting).toHaveTextContent('4');
    const resolved = within(panel).getByTestId(reportTestIds.diffSection('resolved'));
    expect(resolved).toHaveTextContent('Resolved (1)');
    expect(resolved).toHaveTextContent('thread 4711');
    const notInspected = within(panel).getByTestId(reportTestIds.diffSection('notInspected'));
    expect(notInspected).toHaveTextContent('MY-D13');
    expect(notInspected).toHaveTextContent('MariaDB has no SQL access to the error log');
    expect(within(panel).getByRole('link', { name: /Score 71/ })).toHaveAttribute(
      'href',
      '/a/dbpatrol-inspection-app/reports/r-41'
    );
  });

  it('says so when there is no previous report (404 from the diff)', async () => {
    installFixtures({
      'GET reports/r-42': ok(report),
      'GET reports/r-42/diff': { status: 404, data: { error: { code: 'not_found', message: 'no previous report' } } },
    });
    renderReports('/reports/r-42');
    expect(await screen.findByText('There is no earlier report of this instance to compare with.')).toBeInTheDocument();
  });

  it('downloads each export format in the chosen language through the proxy', async () => {
    installFixtures(detailFixtures);
    const fetched: string[] = [];
    const originalFetch = global.fetch;
    const originalCreate = URL.createObjectURL;
    const originalRevoke = URL.revokeObjectURL;
    global.fetch = jest.fn(async (url: RequestInfo | URL) => {
      fetched.push(String(url));
      return {
        ok: true,
        status: 200,
        statusText: 'OK',
        headers: new Headers({ 'content-disposition': `attachment; filename="report-r-42.pdf"` }),
        blob: async () => new Blob(['%PDF-1.7']),
      } as unknown as Response;
    }) as typeof fetch;
    URL.createObjectURL = jest.fn(() => 'blob:report');
    URL.revokeObjectURL = jest.fn();
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    try {
      const { user } = renderReports('/reports/r-42');
      const exports = await findByTestId(reportTestIds.exports);
      for (const name of ['HTML', 'PDF', 'XLSX', 'CSV', 'JSON']) {
        expect(within(exports).getByRole('button', { name })).toBeInTheDocument();
      }
      await user.click(within(exports).getByRole('radio', { name: '简体中文' }));
      await user.click(within(exports).getByRole('button', { name: 'PDF' }));
      expect(await within(exports).findByText('Saved report-r-42.pdf')).toBeInTheDocument();
      expect(fetched).toEqual(['/api/plugin-proxy/dbpatrol-inspection-app/reports/r-42/export?format=pdf&lang=zh']);
      expect(click).toHaveBeenCalled();
    } finally {
      global.fetch = originalFetch;
      URL.createObjectURL = originalCreate;
      URL.revokeObjectURL = originalRevoke;
      click.mockRestore();
    }
  });

  it('shows a failed export as an error, naming the permission on a 403', async () => {
    installFixtures(detailFixtures);
    const originalFetch = global.fetch;
    global.fetch = jest.fn(async () => ({
      ok: false,
      status: 403,
      statusText: 'Forbidden',
      headers: new Headers(),
      json: async () => ({ message: 'Permission denied' }),
    })) as unknown as typeof fetch;
    try {
      const { user } = renderReports('/reports/r-42');
      const exports = await findByTestId(reportTestIds.exports);
      await user.click(within(exports).getByRole('button', { name: 'CSV' }));
      expect(await screen.findByText('Permission denied')).toBeInTheDocument();
    } finally {
      global.fetch = originalFetch;
    }
  });

  it('renders in Simplified Chinese, messages included', async () => {
    await useSimplifiedChinese();
    installFixtures(detailFixtures);
    renderReports('/reports/r-42');
    const warning = await findByTestId(reportTestIds.severityGroup('warning'));
    expect(warning).toHaveTextContent('629 次连接尝试中有 228 次失败');
    const notRun = byTestId(reportTestIds.notRun);
    expect(notRun).toHaveTextContent('实例不是从库');
    expect(screen.queryByText('Findings')).toBeNull();
    expect(screen.queryByText('Checks that did not run')).toBeNull();
  });
});
