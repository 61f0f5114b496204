import React, { useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { Badge, Button, Stack, Text, useStyles2 } from '@grafana/ui';

import type { Finding } from '../../../api/reports';
import { uiLanguage } from '../../Checks/categoryLabel';
import { reportTestIds } from '../reportTestIds';
import { evidenceColumns, formatCell, isWaived, localized, valueAgainstThreshold } from '../reports.utils';
import { RAW_VALUES } from '../../../i18n-values';

interface Props {
  finding: Finding;
  /** Extra line under the message, e.g. "open since … (3 runs)" in the diff. */
  note?: string;
}

/** One finding: object, message in the UI language, value against threshold, remediation, evidence on demand. */
export function FindingItem({ finding, note }: Props) {
  const styles = useStyles2(getStyles);
  const [showEvidence, setShowEvidence] = useState(false);
  const lang = uiLanguage();
  const remediation = localized(finding.remediation, lang);
  const waived = isWaived(finding);
  const measured = valueAgainstThreshold(finding);
  const evidence = finding.evidence ?? [];

  return (
    <div className={waived ? styles.waived : styles.item} data-testid={reportTestIds.finding}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Text weight="medium">{finding.object}</Text>
        <Text color="secondary" variant="bodySmall">
          {finding.catalogRef} · {finding.checkId}
          {finding.database ? ` · ${finding.database}` : ''}
        </Text>
        {waived && <Badge color="purple" icon="shield" text={t('reports.finding.waived', 'Waived')} />}
      </Stack>
      <Text element="p">{localized(finding.message, lang)}</Text>
      {note && (
        <Text color="secondary" variant="bodySmall" element="p">
          {note}
        </Text>
      )}
      {measured && (
        <Text element="p" variant="bodySmall">
          {finding.threshold === undefined
            ? t('reports.finding.value', 'Value: {{value}}', { ...RAW_VALUES, value: measured })
            : t('reports.finding.valueThreshold', 'Value / threshold: {{value}}', { ...RAW_VALUES, value: measured })}
        </Text>
      )}
      {finding.waived && (
        <Text element="p" variant="bodySmall" color="secondary">
          {t('reports.finding.waiver', 'Accepted by {{owner}} until {{expiry}}: {{reason}}', {
            ...RAW_VALUES,
            owner: finding.waived.owner,
            expiry: dateTimeFormat(finding.waived.expiresAt),
            reason: finding.waived.reason,
          })}
        </Text>
      )}
      {remediation && (
        <Text element="p" variant="bodySmall" color="secondary">
          {t('reports.finding.remediation', 'Remediation: {{text}}', { ...RAW_VALUES, text: remediation })}
        </Text>
      )}
      {evidence.length > 0 && (
        <Button
          size="sm"
          variant="secondary"
          fill="text"
          icon={showEvidence ? 'angle-down' : 'angle-right'}
          onClick={() => setShowEvidence(!showEvidence)}
        >
          {showEvidence
            ? t('reports.finding.hideEvidence', 'Hide evidence')
            : t('reports.finding.showEvidence', 'Show evidence ({{total}} rows)', {
                ...RAW_VALUES,
                total: evidence.length,
              })}
        </Button>
      )}
      {showEvidence && <Evidence rows={evidence} />}
    </div>
  );
}

function Evidence({ rows }: { rows: Array<Record<string, unknown>> }) {
  const styles = useStyles2(getStyles);
  const columns = evidenceColumns(rows);
  return (
    <div className={styles.evidence} data-testid={reportTestIds.evidence}>
      <table className={styles.table}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {columns.map((c) => (
                <td key={c}>{formatCell(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  item: css`
    padding: ${theme.spacing(1, 0)};
    border-bottom: 1px solid ${theme.colors.border.weak};
    p {
      margin-bottom: ${theme.spacing(0.5)};
    }
  `,
  waived: css`
    padding: ${theme.spacing(1, 0)};
    border-bottom: 1px solid ${theme.colors.border.weak};
    opacity: 0.75;
    p {
      margin-bottom: ${theme.spacing(0.5)};
    }
  `,
  evidence: css`
    overflow-x: auto;
    max-height: 320px;
  `,
  table: css`
    font-family: ${theme.typography.fontFamilyMonospace};
    font-size: ${theme.typography.bodySmall.fontSize};
    th,
    td {
      padding: ${theme.spacing(0.25, 1)};
      border: 1px solid ${theme.colors.border.weak};
      white-space: nowrap;
    }
  `,
});
