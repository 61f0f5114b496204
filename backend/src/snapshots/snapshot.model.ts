/** Cumulative counters of one instance at one moment, the edges delta checks subtract. */
export interface CounterSnapshot {
  instanceId: string;
  takenAt: string;
  /** When the server (postmaster / mysqld) started: counters from another lifetime cannot be subtracted. */
  serverStartedAt: string;
  counters: Record<string, number>;
}
