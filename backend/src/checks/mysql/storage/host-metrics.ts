import type { Texts } from '../../check.types.js';

/** Why host and filesystem facts are missing: SQL cannot see them, and no host metrics source is configured. */
export const NO_HOST_METRICS: Texts = { en: 'no host metrics source', zh: '未配置主机指标来源' };
