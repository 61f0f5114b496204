/** Test ids of the Checks page (kept beside it so parallel work on components/testIds.ts does not collide). */
export const checkTestIds = {
  filters: 'data-testid checks-filters',
  catalog: 'data-testid checks-catalog',
  category: (category: string) => `data-testid checks-category-${category}`,
  detail: 'data-testid check-detail',
  sql: 'data-testid check-sql',
  thresholds: 'data-testid check-thresholds',
  thresholdRow: (key: string) => `data-testid check-threshold-${key}`,
  overrides: 'data-testid check-overrides',
};
