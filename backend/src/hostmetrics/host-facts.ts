import type { Texts } from '../checks/check.types.js';

/** One filesystem of the node, over the inspection window. */
export interface FilesystemFacts {
  mountpoint: string;
  device: string;
  fstype: string;
  sizeBytes: number;
  /** The least free space seen in the window (available to unprivileged users). */
  availBytes: number;
  /** Inodes, when the filesystem has a fixed number (0 or absent on btrfs, xfs dynamic, …). */
  files?: number;
  filesFree?: number;
  /** Days until no space is left at the window's linear trend (predict_linear); null when not shrinking. */
  daysToFull: number | null;
}

/** What the host metrics source knows of the node an instance runs on, over the inspection window. */
export interface HostFacts {
  /** The node_exporter `instance` label the facts were read from. */
  node: string;
  /** Where the facts came from, e.g. `prometheus http://…` (no credentials). */
  source: string;
  memTotalBytes?: number;
  /** The least MemAvailable seen in the window. */
  memAvailableMinBytes?: number;
  cpuCores?: number;
  /** Highest 1-minute load average in the window, and the window's mean 5-minute load. */
  load1Max?: number;
  load5Avg?: number;
  swapTotalBytes?: number;
  /** The least free swap seen in the window. */
  swapFreeMinBytes?: number;
  /** Largest absolute clock offset reported by the kernel (timex) in the window, seconds. */
  ntpOffsetSeconds?: number;
  ntpSynced?: boolean;
  kernelRelease?: string;
  osRelease?: string;
  filesystems: FilesystemFacts[];
}

/** Host facts for checks: the facts, or why there are none although a source is configured. */
export type HostMetrics = { facts: HostFacts } | { skipped: Texts };
