import type { DataSourceInstanceSettings } from '@grafana/data';
import type { BackendSrvRequest } from '@grafana/runtime';

import { installBackendSrv, type HandlerResponse } from '../../test/backendSrv';
import { DataSource } from '../DataSource';
import type { DBPatrolOptions } from '../types';

export const PROXY = '/api/datasources/proxy/uid/dbpatrol';
export const API_URL = 'http://dbpatrol-backend:8470';

/** Instance settings as Grafana hands them to a proxy-mode datasource (the token stays on the server). */
export function instanceSettings(
  jsonData: DBPatrolOptions = { apiUrl: API_URL }
): DataSourceInstanceSettings<DBPatrolOptions> {
  return {
    uid: 'dbpatrol',
    type: 'dbpatrol-inspection-datasource',
    name: 'DB Patrol',
    url: PROXY,
    access: 'proxy',
    readOnly: true,
    jsonData,
    meta: { id: 'dbpatrol-inspection-datasource' } as DataSourceInstanceSettings['meta'],
  } as DataSourceInstanceSettings<DBPatrolOptions>;
}

export const newDataSource = (jsonData?: DBPatrolOptions) => new DataSource(instanceSettings(jsonData));

/** `GET grafana/variables` as the backend lists values: sorted by name, hosts and instances narrowed by parent. */
const INVENTORY = {
  business: [
    { text: 'CRM', value: 'b-crm' },
    { text: 'Payments', value: 'b-pay' },
  ],
  host: [
    { text: 'crm-db-01', value: 'h-crm-1', businessId: 'b-crm' },
    { text: 'pay-db-01', value: 'h-pay-1', businessId: 'b-pay' },
  ],
  instance: [
    { text: 'crm-postgres', value: 'i-crm-pg', businessId: 'b-crm', hostId: 'h-crm-1' },
    { text: 'pay-mariadb-ledger', value: 'i-pay-maria', businessId: 'b-pay', hostId: 'h-pay-1' },
    { text: 'pay-mysql-primary', value: 'i-pay-mysql', businessId: 'b-pay', hostId: 'h-pay-1' },
  ],
  check: [
    { text: 'MY-A01 Server reachable', value: 'mysql.availability' },
    { text: 'PG-D11 Transaction ID wraparound', value: 'postgres.xid-wraparound' },
  ],
  tier: ['daily', 'weekly', 'monthly', 'annual'].map((t) => ({ text: t, value: t })),
  severity: ['critical', 'warning', 'info'].map((t) => ({ text: t, value: t })),
};

export function answerVariables(r: BackendSrvRequest): HandlerResponse {
  if (r.url !== `${PROXY}/grafana/variables`) {
    return { status: 500, data: { error: { message: `unexpected ${r.url}` } } };
  }
  const { kind, businessId, hostId } = r.params as {
    kind: keyof typeof INVENTORY;
    businessId?: string;
    hostId?: string;
  };
  const rows = (INVENTORY[kind] as Array<{ text: string; value: string; businessId?: string; hostId?: string }>).filter(
    (row) => (!businessId || row.businessId === businessId) && (!hostId || row.hostId === hostId)
  );
  return { status: 200, data: rows.map(({ text, value }) => ({ text, value })) };
}

export const installVariablesBackend = () => installBackendSrv(answerVariables);
