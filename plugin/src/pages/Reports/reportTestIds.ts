/** Test ids of the Reports pages (kept beside them so parallel work on components/testIds.ts does not collide). */
export const reportTestIds = {
  filters: 'data-testid reports-filters',
  list: 'data-testid reports-list',
  summary: 'data-testid report-summary',
  server: 'data-testid report-server',
  findings: 'data-testid report-findings',
  severityGroup: (severity: string) => `data-testid report-findings-${severity}`,
  finding: 'data-testid report-finding',
  evidence: 'data-testid report-evidence',
  notRun: 'data-testid report-not-run',
  diff: 'data-testid report-diff',
  diffSection: (kind: string) => `data-testid report-diff-${kind}`,
  exports: 'data-testid report-exports',
};
