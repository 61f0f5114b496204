import { toTexts, type Message } from '../checks/check.types.js';
import type { CheckOutcome, Finding, InspectionReport } from './report.types.js';

export type Lang = 'en' | 'zh';

/** A report with every bilingual text resolved to one language (what a reader shows, not what is stored). */
export type LocalizedReport = Omit<InspectionReport, 'findings' | 'checks'> & {
  findings: (Omit<Finding, 'message' | 'remediation'> & { message: string; remediation: string })[];
  checks: (Omit<CheckOutcome, 'reason'> & { reason?: string })[];
};

/** One language of a stored text; a legacy single string stands for both. */
export const textIn = (m: Message, lang: Lang): string => toTexts(m)[lang];

/** The report in `lang` (default: the report's preferred language). Accepts legacy single-string reports. */
export function localizeReport(
  report: Omit<InspectionReport, 'findings' | 'checks'> & {
    findings: readonly (Omit<Finding, 'message' | 'remediation'> & { message: Message; remediation: Message })[];
    checks: readonly (Omit<CheckOutcome, 'reason'> & { reason?: Message })[];
  },
  lang: Lang = report.language,
): LocalizedReport {
  return {
    ...report,
    findings: report.findings.map((f) => ({
      ...f,
      message: textIn(f.message, lang),
      remediation: textIn(f.remediation, lang),
    })),
    checks: report.checks.map(({ reason, ...c }) => ({
      ...c,
      ...(reason !== undefined ? { reason: textIn(reason, lang) } : {}),
    })),
  };
}
