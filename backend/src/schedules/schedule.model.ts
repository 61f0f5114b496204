import type { Tier } from '../checks/check.types.js';
import type { InstanceSelector } from '../inventory/inventory.schema.js';
import type { Frequency } from './fire-times.js';

export type { InstanceSelector };

export type ScheduleStatus = 'active' | 'paused' | 'cancelled';

/** What the user sets. */
export interface ScheduleSpec {
  name: string;
  instanceIds?: string[];
  selector?: InstanceSelector;
  tier: Tier;
  frequency: Frequency;
  /** `HH:MM:SS` in `timezone`; for cron frequencies the expression carries the time. */
  time: string;
  timezone: string;
  windowDays: number;
  /** After downtime: `latest` runs the pending occurrence if within max lateness; `skip` only runs punctual ones. */
  catchUp: 'latest' | 'skip';
  maxLatenessSeconds?: number;
}

/** A schedule as stored: the source of truth; Agenda only holds its next occurrence. */
export interface Schedule extends ScheduleSpec {
  id: string;
  status: ScheduleStatus;
  /** Bumped by every edit, pause, resume and cancel; occurrences carry it and are fenced on it. */
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}
