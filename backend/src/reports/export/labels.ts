import type { Category, Severity, Tier } from '../../checks/check.types.js';
import type { CheckStatus, OutcomeCounts } from '../report.types.js';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** Every word an export prints that does not come from the report itself, in one language. */
export interface LabelTable {
  product: string;
  reportTitle: string;
  inspectionTitle: string;
  severity: Record<Severity, string>;
  status: Record<CheckStatus, string>;
  tier: Record<Tier, string>;
  category: Record<Category, string>;
  inspectionState: Record<string, string>;
  findingState: { open: string; waived: string; new: string; persisting: string };
  reachable: { yes: string; no: string };
  heading: {
    cover: string;
    summary: string;
    findings: string;
    notInspected: string;
    noFindings: string;
    instanceFailed: string;
  };
  field: {
    inspectionId: string;
    reportId: string;
    triggeredBy: string;
    schedule: string;
    manual: string;
    tier: string;
    window: string;
    state: string;
    createdAt: string;
    startedAt: string;
    finishedAt: string;
    generatedAt: string;
    timeZone: string;
    business: string;
    host: string;
    instance: string;
    engine: string;
    server: string;
    role: string;
    score: string;
    reachable: string;
    critical: string;
    warning: string;
    info: string;
    errors: string;
    skipped: string;
    newSinceLast: string;
    resolved: string;
    waived: string;
    check: string;
    checkId: string;
    title: string;
    category: string;
    severity: string;
    status: string;
    object: string;
    database: string;
    message: string;
    value: string;
    threshold: string;
    valueVsThreshold: string;
    remediation: string;
    reason: string;
    findings: string;
    durationMs: string;
    since: string;
    waiverOwner: string;
    waiverReason: string;
    waiverExpires: string;
    contentHash: string;
    catalogVersion: string;
    duration: string;
    page: string;
  };
  unreachable: string;
  unknown: string;
  /** "42 passed, 3 failed, 1 error, 5 skipped · 1 critical, 2 warning, 0 info findings" */
  summaryLine: (c: OutcomeCounts, n: (x: number) => string) => string;
  /** "3 objects" under a check's title. */
  objects: (count: number, n: (x: number) => string) => string;
  /** "open since 1 Oct 2026, 9 runs" */
  openSince: (date: string, runs: number | undefined, n: (x: number) => string) => string;
  waivedBy: (owner: string, until: string) => string;
  pageOf: (page: number, total: number) => string;
  seconds: (s: string) => string;
  /** Locale for Intl number and date formatting. */
  locale: string;
}

const en: LabelTable = {
  product: 'DB Patrol',
  reportTitle: 'Database inspection report',
  inspectionTitle: 'Database inspection report',
  severity: { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' },
  status: { pass: 'passed', fail: 'failed', error: 'error', skipped: 'skipped' },
  tier: { daily: 'daily', weekly: 'weekly', monthly: 'monthly', annual: 'annual' },
  category: {
    availability: 'availability',
    replication: 'replication',
    connections: 'connections',
    transactions: 'transactions',
    locks: 'locks',
    errors: 'errors and alerts',
    backup: 'backup',
    storage: 'storage',
    objects: 'database objects',
    security: 'security',
    parameters: 'parameters',
    host: 'host and OS',
    performance: 'performance',
  },
  inspectionState: {
    queued: 'queued',
    running: 'running',
    succeeded: 'succeeded',
    partial: 'partly failed',
    failed: 'failed',
    cancelled: 'cancelled',
    missed: 'missed',
  },
  findingState: { open: 'open', waived: 'waived', new: 'new', persisting: 'persisting' },
  reachable: { yes: 'yes', no: 'no' },
  heading: {
    cover: 'Inspection',
    summary: 'Summary',
    findings: 'Findings',
    notInspected: 'NOT INSPECTED',
    noFindings: 'No findings.',
    instanceFailed: 'No report: the inspection of this instance failed',
  },
  field: {
    inspectionId: 'Inspection',
    reportId: 'Report',
    triggeredBy: 'Triggered by',
    schedule: 'schedule',
    manual: 'run by',
    tier: 'Tier',
    window: 'Window',
    state: 'State',
    createdAt: 'Requested',
    startedAt: 'Started',
    finishedAt: 'Finished',
    generatedAt: 'Generated',
    timeZone: 'Time zone',
    business: 'Business',
    host: 'Host',
    instance: 'Instance',
    engine: 'Engine',
    server: 'Server',
    role: 'Role',
    score: 'Score',
    reachable: 'Reachable',
    critical: 'Critical',
    warning: 'Warning',
    info: 'Info',
    errors: 'Errors',
    skipped: 'Skipped',
    newSinceLast: 'New since last',
    resolved: 'Resolved',
    waived: 'Waived',
    check: 'Check',
    checkId: 'Check id',
    title: 'Title',
    category: 'Category',
    severity: 'Severity',
    status: 'Status',
    object: 'Object',
    database: 'Database',
    message: 'Message',
    value: 'Value',
    threshold: 'Threshold',
    valueVsThreshold: 'Value / threshold',
    remediation: 'Remediation',
    reason: 'Reason',
    findings: 'Findings',
    durationMs: 'Duration (ms)',
    since: 'Open since',
    waiverOwner: 'Waiver owner',
    waiverReason: 'Waiver reason',
    waiverExpires: 'Waiver expires',
    contentHash: 'Content hash (SHA-256)',
    catalogVersion: 'Catalog version',
    duration: 'Duration',
    page: 'Page',
  },
  unreachable: 'unreachable',
  unknown: 'unknown',
  summaryLine: (c, n) =>
    `${n(c.pass)} passed, ${n(c.fail)} failed, ${n(c.error)} ${c.error === 1 ? 'error' : 'errors'}, ` +
    `${n(c.skipped)} skipped · ${n(c.critical)} critical, ${n(c.warning)} warning, ${n(c.info)} info findings`,
  objects: (count, n) => `${n(count)} ${count === 1 ? 'object' : 'objects'}`,
  openSince: (date, runs, n) =>
    runs === undefined ? `open since ${date}` : `open since ${date}, ${n(runs)} ${runs === 1 ? 'run' : 'runs'}`,
  waivedBy: (owner, until) => `waived by ${owner} until ${until}`,
  pageOf: (page, total) => `Page ${page} of ${total}`,
  seconds: (s) => `${s} s`,
  locale: 'en-GB',
};

const zh: LabelTable = {
  product: 'DB Patrol',
  reportTitle: '数据库巡检报告',
  inspectionTitle: '数据库巡检报告',
  severity: { critical: '严重', warning: '警告', info: '提示' },
  status: { pass: '通过', fail: '未通过', error: '出错', skipped: '已跳过' },
  tier: { daily: '日检', weekly: '周检', monthly: '月检', annual: '年检' },
  category: {
    availability: '可用性',
    replication: '复制',
    connections: '连接',
    transactions: '事务',
    locks: '锁',
    errors: '错误与告警',
    backup: '备份',
    storage: '存储',
    objects: '数据库对象',
    security: '安全',
    parameters: '参数配置',
    host: '主机与操作系统',
    performance: '性能',
  },
  inspectionState: {
    queued: '排队中',
    running: '运行中',
    succeeded: '成功',
    partial: '部分失败',
    failed: '失败',
    cancelled: '已取消',
    missed: '已错过',
  },
  findingState: { open: '待处理', waived: '已豁免', new: '新增', persisting: '持续' },
  reachable: { yes: '是', no: '否' },
  heading: {
    cover: '巡检',
    summary: '汇总',
    findings: '问题',
    notInspected: '未巡检',
    noFindings: '未发现问题。',
    instanceFailed: '无报告：该实例巡检失败',
  },
  field: {
    inspectionId: '巡检编号',
    reportId: '报告编号',
    triggeredBy: '发起方',
    schedule: '计划',
    manual: '执行人',
    tier: '巡检级别',
    window: '采样窗口',
    state: '状态',
    createdAt: '提交时间',
    startedAt: '开始时间',
    finishedAt: '结束时间',
    generatedAt: '生成时间',
    timeZone: '时区',
    business: '业务',
    host: '主机',
    instance: '实例',
    engine: '数据库类型',
    server: '服务器',
    role: '角色',
    score: '评分',
    reachable: '可连接',
    critical: '严重',
    warning: '警告',
    info: '提示',
    errors: '出错',
    skipped: '跳过',
    newSinceLast: '较上次新增',
    resolved: '已解决',
    waived: '已豁免',
    check: '检查项',
    checkId: '检查项编号',
    title: '名称',
    category: '类别',
    severity: '级别',
    status: '状态',
    object: '对象',
    database: '数据库',
    message: '说明',
    value: '当前值',
    threshold: '阈值',
    valueVsThreshold: '当前值 / 阈值',
    remediation: '处理建议',
    reason: '原因',
    findings: '问题数',
    durationMs: '耗时（毫秒）',
    since: '首次发现',
    waiverOwner: '豁免负责人',
    waiverReason: '豁免原因',
    waiverExpires: '豁免到期',
    contentHash: '内容哈希（SHA-256）',
    catalogVersion: '检查目录版本',
    duration: '耗时',
    page: '页',
  },
  unreachable: '无法连接',
  unknown: '未知',
  summaryLine: (c, n) =>
    `通过 ${n(c.pass)} 项，未通过 ${n(c.fail)} 项，出错 ${n(c.error)} 项，跳过 ${n(c.skipped)} 项 · ` +
    `严重 ${n(c.critical)} 个，警告 ${n(c.warning)} 个，提示 ${n(c.info)} 个问题`,
  objects: (count, n) => `${n(count)} 个对象`,
  openSince: (date, runs, n) => (runs === undefined ? `自 ${date} 起存在` : `自 ${date} 起存在，已 ${n(runs)} 次巡检`),
  waivedBy: (owner, until) => `已由 ${owner} 豁免，至 ${until}`,
  pageOf: (page, total) => `第 ${page} 页，共 ${total} 页`,
  seconds: (s) => `${s} 秒`,
  locale: 'zh-CN',
};

export const LABELS: Readonly<Record<Lang, LabelTable>> = { en, zh };

/** Number and date formatting for one language and time zone. */
export interface Formatter {
  lang: Lang;
  timeZone: string;
  l: LabelTable;
  /** 12,345.6 (en) / 12,345.6 (zh): grouping and decimals per locale. */
  num: (x: number) => string;
  /** A value from a finding: numbers formatted, text unchanged. */
  value: (x: string | number | undefined) => string;
  /** An instant in the time zone with its UTC offset, e.g. `06 Dec 2026, 14:03:22 GMT+08:00`. */
  dateTime: (iso: string) => string;
  /** The day only, e.g. `06 Dec 2026` / `2026年12月6日`. */
  date: (iso: string) => string;
  window: (w: { from: string; to: string }) => string;
  seconds: (ms: number) => string;
}

/** Throws a RangeError for a time zone Intl does not know; returns its canonical name. */
export function checkTimeZone(timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
}

export function formatter(lang: Lang, timeZone: string): Formatter {
  const l = LABELS[lang];
  const numbers = new Intl.NumberFormat(l.locale, { maximumFractionDigits: 2 });
  const tenths = new Intl.NumberFormat(l.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const clock = new Intl.DateTimeFormat(l.locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const day = new Intl.DateTimeFormat(l.locale, {
    timeZone,
    year: 'numeric',
    month: lang === 'zh' ? 'long' : 'short',
    day: lang === 'zh' ? 'numeric' : '2-digit',
  });
  const parse = (iso: string): Date | null => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  const dateTime = (iso: string) => {
    const d = parse(iso);
    if (!d) return iso;
    const parts = clock.formatToParts(d);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    // 'GMT' alone means offset zero; spelling it GMT+00:00 keeps every time in an export the same shape.
    const offset = part('timeZoneName').replace(/^GMT$/, 'GMT+00:00');
    return `${day.format(d)}${lang === 'zh' ? ' ' : ', '}${part('hour')}:${part('minute')}:${part('second')} ${offset}`;
  };
  return {
    lang,
    timeZone,
    l,
    num: (x) => numbers.format(x),
    value: (x) => (x === undefined ? '' : typeof x === 'number' ? numbers.format(x) : x),
    dateTime,
    date: (iso) => {
      const d = parse(iso);
      return d ? day.format(d) : iso;
    },
    window: (w) => `${dateTime(w.from)} → ${dateTime(w.to)}`,
    seconds: (ms) => l.seconds(tenths.format(ms / 1000)),
  };
}
