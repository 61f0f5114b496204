import type { CheckContext, Texts } from '../../check.types.js';
import { NO_HOST_METRICS } from '../storage/host-metrics.js';

/** The host's RAM from the host metrics source, or why it is unknown (no source, source failed, no MemTotal). */
export function hostRam(
  ctx: Pick<CheckContext<unknown>, 'hostMetrics'>,
): { bytes: number; node: string } | { unknown: Texts } {
  const hm = ctx.hostMetrics;
  if (!hm) return { unknown: NO_HOST_METRICS };
  if ('skipped' in hm) return { unknown: hm.skipped };
  const bytes = hm.facts.memTotalBytes;
  if (bytes === undefined || !Number.isFinite(bytes) || bytes <= 0)
    return {
      unknown: {
        en: `the host metrics of ${hm.facts.node} have no MemTotal`,
        zh: `${hm.facts.node} 的主机指标中没有 MemTotal`,
      },
    };
  return { bytes, node: hm.facts.node };
}
