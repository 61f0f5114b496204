export const testIds = {
  apiError: 'data-testid api-error',
  appConfig: {
    apiUrl: 'data-testid ac-api-url',
    apiToken: 'data-testid ac-api-token',
    submit: 'data-testid ac-submit-form',
    test: 'data-testid ac-test',
  },
  overview: {
    emptyState: 'data-testid overview-empty',
    worstSeverity: 'data-testid overview-worst-severity',
    lowestScores: 'data-testid overview-lowest-scores',
    recentRuns: 'data-testid overview-recent-runs',
    problemRuns: 'data-testid overview-problem-runs',
    nextRuns: 'data-testid overview-next-runs',
  },
  inventory: {
    tree: 'data-testid inventory-tree',
    search: 'data-testid inventory-search',
    instanceForm: 'data-testid inventory-instance-form',
    connectionResult: 'data-testid inventory-connection-result',
    importPreview: 'data-testid inventory-import-preview',
  },
};
