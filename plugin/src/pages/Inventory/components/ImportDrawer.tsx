import React, { useState } from 'react';
import { t } from '@grafana/i18n';
import { Alert, Button, Drawer, Field, Stack, Text, TextArea } from '@grafana/ui';

import { inventoryApi, type ImportSummary } from '../../../api/inventory';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { testIds } from '../../../components/testIds';
import { RAW_VALUES } from '../../../i18n-values';

interface Props {
  onClose: () => void;
  onImported: () => void;
}

function SummaryList({ summary }: { summary: ImportSummary }) {
  const rows: Array<[string, { created: string[]; updated: string[] }]> = [
    [t('inventory.import.businesses', 'Businesses'), summary.businesses],
    [t('inventory.import.hosts', 'Hosts'), summary.hosts],
    [t('inventory.import.instances', 'Instances'), summary.instances],
  ];
  return (
    <Stack direction="column" gap={0.5}>
      {rows.map(([label, names]) => (
        <Text key={label}>
          {t(
            'inventory.import.line',
            '{{label}}: {{created}} new ({{createdNames}}), {{updated}} updated ({{updatedNames}})',
            {
              ...RAW_VALUES,
              label,
              created: names.created.length,
              createdNames: names.created.join(', ') || '–',
              updated: names.updated.length,
              updatedNames: names.updated.join(', ') || '–',
            }
          )}
        </Text>
      ))}
    </Stack>
  );
}

/** Paste or load a YAML inventory, preview what it changes (a dry run on the backend), then import it. */
export function ImportDrawer({ onClose, onImported }: Props) {
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<ImportSummary>();
  const [done, setDone] = useState<ImportSummary>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const summary = await inventoryApi.importDocument(text, dryRun);
      if (dryRun) {
        setPreview(summary);
      } else {
        setDone(summary);
        onImported();
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const loadFile = async (file: File | undefined) => {
    if (file) {
      setText(await file.text());
      setPreview(undefined);
    }
  };

  return (
    <Drawer title={t('inventory.import.title', 'Import inventory')} onClose={onClose} size="md">
      <Field
        label={t('inventory.import.document', 'Inventory document (YAML or JSON)')}
        description={t(
          'inventory.import.hint',
          'Entries are matched by name: new ones are created, existing ones updated. All or nothing.'
        )}
      >
        <TextArea
          id="inventory-import-text"
          rows={16}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setPreview(undefined);
            setDone(undefined);
          }}
        />
      </Field>
      <Field label={t('inventory.import.file', 'Or load a file')}>
        <input type="file" accept=".yaml,.yml,.json" onChange={(e) => loadFile(e.currentTarget.files?.[0])} />
      </Field>
      {error !== undefined && (
        <ApiErrorAlert error={error} title={t('inventory.import.failed', 'The document was not accepted')} />
      )}
      {preview && !done && (
        <div data-testid={testIds.inventory.importPreview}>
          <Alert severity="info" title={t('inventory.import.previewTitle', 'Dry run: nothing was changed yet')}>
            <SummaryList summary={preview} />
          </Alert>
        </div>
      )}
      {done && (
        <Alert severity="success" title={t('inventory.import.doneTitle', 'Imported')}>
          <SummaryList summary={done} />
        </Alert>
      )}
      <Stack gap={1}>
        <Button variant="secondary" disabled={busy || !text.trim()} onClick={() => run(true)}>
          {t('inventory.import.preview', 'Preview')}
        </Button>
        <Button disabled={busy || !preview || Boolean(done)} onClick={() => run(false)}>
          {t('inventory.import.apply', 'Import')}
        </Button>
      </Stack>
    </Drawer>
  );
}
