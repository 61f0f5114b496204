import React, { useState } from 'react';
import { t } from '@grafana/i18n';
import { Button, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import { EXPORT_FORMATS, reportDownloads, type ExportFormat, type ReportLanguage } from '../../../api/reports';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { uiLanguage } from '../../Checks/categoryLabel';
import { reportTestIds } from '../reportTestIds';
import { RAW_VALUES } from '../../../i18n-values';

const FORMAT_NAMES: Record<ExportFormat, string> = { html: 'HTML', pdf: 'PDF', xlsx: 'XLSX', csv: 'CSV', json: 'JSON' };

/** Export buttons: one per format the backend renders, in English or Chinese (the UI language by default). */
export function ExportButtons({ reportId }: { reportId: string }) {
  const [lang, setLang] = useState<ReportLanguage>(uiLanguage());
  const [busy, setBusy] = useState<ExportFormat>();
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();

  const download = async (format: ExportFormat) => {
    setBusy(format);
    setError(undefined);
    setSaved(undefined);
    try {
      setSaved(await reportDownloads.downloadExport(reportId, format, lang));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div data-testid={reportTestIds.exports}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Text color="secondary">{t('reports.export.label', 'Export')}</Text>
        <RadioButtonGroup
          size="sm"
          aria-label={t('reports.export.language', 'Export language')}
          options={[
            { label: t('reports.export.english', 'English'), value: 'en' },
            { label: t('reports.export.chinese', '简体中文'), value: 'zh' },
          ]}
          value={lang}
          onChange={setLang}
        />
        {EXPORT_FORMATS.map((format) => (
          <Button
            key={format}
            size="sm"
            variant="secondary"
            icon={busy === format ? 'spinner' : 'download-alt'}
            disabled={busy !== undefined}
            onClick={() => download(format)}
          >
            {FORMAT_NAMES[format]}
          </Button>
        ))}
        {saved && (
          <Text color="success" variant="bodySmall">
            {t('reports.export.saved', 'Saved {{name}}', { ...RAW_VALUES, name: saved })}
          </Text>
        )}
      </Stack>
      {error !== undefined && (
        <ApiErrorAlert
          error={error}
          title={t('reports.export.failed', 'The export failed')}
          onRemove={() => setError(undefined)}
        />
      )}
    </div>
  );
}
