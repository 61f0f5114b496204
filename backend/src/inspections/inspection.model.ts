import type { Tier } from '../checks/check.types.js';
import type { InstanceSelector } from '../inventory/inventory.schema.js';

export type InspectionState = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'missed';
export const FINISHED_STATES: readonly InspectionState[] = ['succeeded', 'partial', 'failed', 'cancelled', 'missed'];

export type InspectionTrigger =
  { kind: 'manual'; actor: string } | { kind: 'schedule'; scheduleId: string; scheduleName: string };

export interface InstanceProgress {
  instanceId: string;
  instanceName: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  checksDone: number;
  checksTotal: number;
  reportId?: string;
  score?: number;
  error?: string;
}

/** One run over a set of instances: immediate (by request id) or a schedule's occurrence (by schedule and fire time). */
export interface Inspection {
  id: string;
  requestId?: string;
  scheduleId?: string;
  fireAt?: string;
  trigger: InspectionTrigger;
  tier: Tier;
  window: { from: string; to: string };
  instanceIds?: string[];
  selector?: InstanceSelector;
  state: InspectionState;
  progress: InstanceProgress[];
  cancelRequested: boolean;
  /** Claims of a scheduled occurrence: a re-run after a crash increments it and fences the older attempt. */
  attempt: number;
  worker?: string;
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}
