import React, { useState } from 'react';
import { t } from '@grafana/i18n';
import { Button, Field, Input, Stack, TextArea } from '@grafana/ui';

import type { Business, BusinessInput } from '../../../api/inventory';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { fieldError, hasUnplacedError } from './fieldError';

interface Props {
  initial?: Business;
  onSubmit: (input: BusinessInput) => Promise<unknown>;
  onCancel: () => void;
}

const FIELDS = ['name', 'description'];

export function BusinessForm({ initial, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await onSubmit({ name, ...(description ? { description } : {}) });
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Field label={t('inventory.business.name', 'Name')} {...fieldError(error, 'name')}>
        <Input id="business-name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t('inventory.business.description', 'Description')} {...fieldError(error, 'description')}>
        <TextArea
          id="business-description"
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
      </Field>
      {hasUnplacedError(error, FIELDS) && <ApiErrorAlert error={error} />}
      <Stack gap={1}>
        <Button type="submit" disabled={saving}>
          {t('inventory.form.save', 'Save')}
        </Button>
        <Button variant="secondary" fill="outline" onClick={onCancel}>
          {t('inventory.form.cancel', 'Cancel')}
        </Button>
      </Stack>
    </form>
  );
}
