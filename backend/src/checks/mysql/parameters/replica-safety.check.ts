import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { isOn, variablesByName } from '../security/server-variables.js';
import { firstKnown, globalVariablesQuery, noVariables } from './settings.js';

export const mysqlReplicaSafety = defineCheck({
  id: 'mysql.replica-safety',
  catalogRef: 'MY-M11',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Replica safety parameters', zh: '从库安全参数' },
  description: {
    en: 'On a replica: replica_skip_errors / slave_skip_errors set (errors silently skipped, data drifts) or replica_exec_mode / slave_exec_mode IDEMPOTENT are critical (Percona Toolkit, PMM); relay_log_purge OFF (relay logs pile up), log_replica_updates / log_slave_updates OFF (the replica cannot serve as a source after failover) and a single applier thread (replica_parallel_workers / slave_parallel_threads 0 or 1, lag under write load) are warnings. MariaDB GTID replicas without gtid_strict_mode get an informational note. On a primary the check does not run.',
    zh: '在从库上：设置了 replica_skip_errors / slave_skip_errors（错误被静默跳过，数据逐渐不一致）或 replica_exec_mode / slave_exec_mode 为 IDEMPOTENT 为严重（Percona Toolkit、PMM）；relay_log_purge 为 OFF（中继日志堆积）、log_replica_updates / log_slave_updates 为 OFF（故障切换后无法作为源库）以及只有一个应用线程（replica_parallel_workers / slave_parallel_threads 为 0 或 1，写入压力下产生延迟）为警告。MariaDB 使用 GTID 而未开启 gtid_strict_mode 时给出提示。主库上不执行本检查。',
  },
  remediation: {
    en: 'Remove replica_skip_errors/slave_skip_errors from my.cnf (restart) and repair the data the skipped errors left behind (pt-table-checksum / pt-table-sync); SET GLOBAL replica_exec_mode=STRICT, relay_log_purge=ON; enable log_replica_updates (restart on MySQL < 8.0.26 / MariaDB); set replica_parallel_workers (MySQL) or slave_parallel_threads (MariaDB) to 4–8 with the replica stopped; on MariaDB set gtid_strict_mode=ON.',
    zh: '从 my.cnf 中删除 replica_skip_errors/slave_skip_errors（需重启），并修复被跳过的错误遗留的数据（pt-table-checksum / pt-table-sync）；执行 SET GLOBAL replica_exec_mode=STRICT、relay_log_purge=ON；开启 log_replica_updates（MySQL 8.0.26 以下 / MariaDB 需重启）；在停止复制时将 replica_parallel_workers（MySQL）或 slave_parallel_threads（MariaDB）设为 4–8；MariaDB 设置 gtid_strict_mode=ON。',
  },
  applies: ({ server }) =>
    server.role === 'replica' ? null : { en: 'the server is not a replica', zh: '该实例不是从库' },
  queries: {
    variables: globalVariablesQuery([
      'replica_skip_errors',
      'slave_skip_errors',
      'replica_exec_mode',
      'slave_exec_mode',
      'relay_log_purge',
      'log_replica_updates',
      'log_slave_updates',
      'replica_parallel_workers',
      'slave_parallel_workers',
      'slave_parallel_threads',
      'gtid_strict_mode',
      'gtid_slave_pos',
    ]),
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ variables }, ctx) {
    if (variables.length === 0) return { skipped: noVariables };
    const vars = variablesByName(variables);
    const findings: FindingDraft[] = [];
    const skip = firstKnown(vars, ['replica_skip_errors', 'slave_skip_errors']);
    if (skip && skip.value !== null && !/^(off|)$/i.test(skip.value.trim()))
      findings.push({
        severity: 'critical',
        object: skip.name,
        message: {
          en: `${skip.name}=${skip.value}: replication errors are skipped silently and the replica drifts from its source`,
          zh: `${skip.name}=${skip.value}：复制错误被静默跳过，从库数据会与源库不一致`,
        },
      });
    const exec = firstKnown(vars, ['replica_exec_mode', 'slave_exec_mode']);
    if (exec && (exec.value ?? '').toUpperCase() === 'IDEMPOTENT')
      findings.push({
        severity: 'critical',
        object: exec.name,
        message: {
          en: `${exec.name}=IDEMPOTENT: duplicate-key and missing-row errors are suppressed`,
          zh: `${exec.name}=IDEMPOTENT：重复键和行不存在错误被屏蔽`,
        },
      });
    if (vars.has('relay_log_purge') && !isOn(vars.get('relay_log_purge')))
      findings.push({
        severity: 'warning',
        object: 'relay_log_purge',
        message: {
          en: 'relay_log_purge=OFF: applied relay logs are kept and accumulate on disk',
          zh: 'relay_log_purge=OFF：已应用的中继日志不会清理，会在磁盘上堆积',
        },
      });
    const logUpdates = firstKnown(vars, ['log_replica_updates', 'log_slave_updates']);
    if (logUpdates && !isOn(logUpdates.value))
      findings.push({
        severity: 'warning',
        object: logUpdates.name,
        message: {
          en: `${logUpdates.name}=OFF: replicated changes are not written to this server's binary log, so it cannot become a source after failover`,
          zh: `${logUpdates.name}=OFF：复制来的变更不写入本实例的 binlog，故障切换后无法作为源库`,
        },
      });
    // MariaDB ≥ 10.5 also answers to slave_parallel_workers (an alias): name the variable its remediation names.
    const workers = firstKnown(
      vars,
      ctx.server.flavor === 'mariadb'
        ? ['slave_parallel_threads', 'slave_parallel_workers']
        : ['replica_parallel_workers', 'slave_parallel_workers'],
    );
    if (workers && Number(workers.value) <= 1)
      findings.push({
        severity: 'warning',
        object: workers.name,
        message: {
          en: `${workers.name}=${workers.value}: changes are applied by a single thread, so the replica lags under write load`,
          zh: `${workers.name}=${workers.value}：变更由单线程应用，写入压力下从库会延迟`,
        },
      });
    if (
      ctx.server.flavor === 'mariadb' &&
      (vars.get('gtid_slave_pos') ?? '') !== '' &&
      !isOn(vars.get('gtid_strict_mode'))
    )
      findings.push({
        severity: 'info',
        object: 'gtid_strict_mode',
        message: {
          en: 'gtid_strict_mode=OFF on a MariaDB GTID replica: out-of-order or duplicate GTIDs are accepted',
          zh: 'MariaDB GTID 从库的 gtid_strict_mode=OFF：乱序或重复的 GTID 会被接受',
        },
      });
    return findings;
  },
});
