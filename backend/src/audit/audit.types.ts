/** Who did it, as the audit log records it: a name, and the Grafana user the API proxy vouched for. */
export interface AuditActor {
  name: string;
  grafanaUser?: string;
}

/** One write, as recorded in the audit log. */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  grafanaUser?: string;
  action: string;
  targetType: string;
  targetId?: string;
  targetName?: string;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  before?: string;
  actor?: string;
  action?: string;
  targetType?: string;
}
