import { z } from 'zod';
import type { SqlVariant, Texts } from '../../check.types.js';

/** Lists replication channels; MariaDB ≥ 10.0 has multi-source, MySQL ≥ 8.0.22 renamed the statement. */
export const REPLICA_STATUS_SQL: readonly SqlVariant[] = [
  { since: 0, sql: 'SHOW SLAVE STATUS' },
  { since: 100000, flavors: ['mariadb'], sql: 'SHOW ALL SLAVES STATUS' },
  { since: 80022, flavors: ['mysql'], sql: 'SHOW REPLICA STATUS' },
];

export const NOT_A_REPLICA: Texts = {
  en: 'server is not a replica (no replication channel configured)',
  zh: '实例不是从库（未配置复制通道）',
};

/** One replication channel with the Slave_*∕Master_* and Replica_*∕Source_* column names folded together. */
export interface ReplicaChannel {
  /** `''` for the default channel (MariaDB `Connection_name`, MySQL `Channel_Name`). */
  channel: string;
  sourceHost: string | null;
  sourcePort: number | null;
  ioRunning: string | null;
  sqlRunning: string | null;
  secondsBehind: number | null;
  /** Configured delay (MASTER_DELAY / SOURCE_DELAY), included in `secondsBehind`. */
  sqlDelay: number;
  lastIoErrno: number;
  lastIoError: string;
  lastSqlErrno: number;
  lastSqlError: string;
  sqlState: string | null;
}

const text = z.union([z.string(), z.number()]).transform(String).nullable().optional();
const num = z.coerce.number().nullable().optional();

export const replicaChannelRow = z
  .object({
    Connection_name: text,
    Channel_Name: text,
    Master_Host: text,
    Source_Host: text,
    Master_Port: num,
    Source_Port: num,
    Slave_IO_Running: text,
    Replica_IO_Running: text,
    Slave_SQL_Running: text,
    Replica_SQL_Running: text,
    Seconds_Behind_Master: num,
    Seconds_Behind_Source: num,
    SQL_Delay: num,
    Last_IO_Errno: num,
    Last_IO_Error: text,
    Last_SQL_Errno: num,
    Last_SQL_Error: text,
    Slave_SQL_Running_State: text,
    Replica_SQL_Running_State: text,
  })
  .transform((r): ReplicaChannel => ({
    channel: r.Connection_name ?? r.Channel_Name ?? '',
    sourceHost: r.Source_Host ?? r.Master_Host ?? null,
    sourcePort: r.Source_Port ?? r.Master_Port ?? null,
    ioRunning: r.Replica_IO_Running ?? r.Slave_IO_Running ?? null,
    sqlRunning: r.Replica_SQL_Running ?? r.Slave_SQL_Running ?? null,
    secondsBehind: r.Seconds_Behind_Source ?? r.Seconds_Behind_Master ?? null,
    sqlDelay: r.SQL_Delay ?? 0,
    lastIoErrno: r.Last_IO_Errno ?? 0,
    lastIoError: r.Last_IO_Error ?? '',
    lastSqlErrno: r.Last_SQL_Errno ?? 0,
    lastSqlError: r.Last_SQL_Error ?? '',
    sqlState: r.Replica_SQL_Running_State ?? r.Slave_SQL_Running_State ?? null,
  }));

/** The default channel is the instance itself; a named one is written as in `SHOW SLAVE 'name' STATUS` / `FOR CHANNEL 'name'`. */
export function channelObject(channel: string, instanceName: string): string {
  return channel === '' ? instanceName : `'${channel.replace(/'/g, "''")}'`;
}

/** `replication from db1:3306` or `replication channel 'east' from db1:3306` (`复制通道 'east'（主库 db1:3306）`). */
export function describeChannel(c: ReplicaChannel): Texts {
  const source = c.sourceHost ? `${c.sourceHost}${c.sourcePort ? `:${c.sourcePort}` : ''}` : undefined;
  const from = source ? ` from ${source}` : '';
  const fromZh = source ? `（主库 ${source}）` : '';
  return c.channel === ''
    ? { en: `replication${from}`, zh: `复制${fromZh}` }
    : { en: `replication channel '${c.channel}'${from}`, zh: `复制通道 '${c.channel}'${fromZh}` };
}

/** Every channel described, in each language. */
export function describeChannels(channels: readonly ReplicaChannel[]): Texts {
  const described = channels.map(describeChannel);
  return { en: described.map((d) => d.en).join(', '), zh: described.map((d) => d.zh).join('、') };
}
