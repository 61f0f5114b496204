/** Where an override applies; the most specific wins per key: instance over business over global over defaults. */
export type ThresholdScope = 'global' | 'business' | 'instance';

export interface ThresholdOverride {
  checkId: string;
  scope: ThresholdScope;
  /** Business or instance id; empty for global. */
  scopeId: string;
  values: Record<string, unknown>;
  updatedAt: string;
  updatedBy: string;
}
