import React, { useState } from 'react';
import { t } from '@grafana/i18n';
import { Button, Combobox, Field, Input, Stack, TextArea } from '@grafana/ui';

import type { Business, Host, HostInput } from '../../../api/inventory';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { labelsToText, textToLabels } from '../inventory.utils';
import { fieldError, hasUnplacedError } from './fieldError';

interface Props {
  initial?: Host;
  businesses: Business[];
  defaultBusinessId?: string;
  onSubmit: (input: HostInput) => Promise<unknown>;
  onCancel: () => void;
}

const FIELDS = ['name', 'businessId', 'address', 'labels'];

export function HostForm({ initial, businesses, defaultBusinessId, onSubmit, onCancel }: Props) {
  const [name, setName] = useState(initial?.name ?? '');
  const [businessId, setBusinessId] = useState(initial?.businessId ?? defaultBusinessId ?? '');
  const [address, setAddress] = useState(initial?.address ?? '');
  const [labels, setLabels] = useState(labelsToText(initial?.labels));
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await onSubmit({ name, businessId, address, labels: textToLabels(labels) });
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
      <Field label={t('inventory.host.business', 'Business')} {...fieldError(error, 'businessId')}>
        <Combobox
          id="host-business"
          options={businesses.map((b) => ({ label: b.name, value: b.id }))}
          value={businessId || null}
          onChange={(option) => setBusinessId(option?.value ?? '')}
        />
      </Field>
      <Field label={t('inventory.host.name', 'Name')} {...fieldError(error, 'name')}>
        <Input id="host-name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field
        label={t('inventory.host.address', 'Address')}
        description={t('inventory.host.addressHint', 'Hostname or IP address the backend connects to')}
        {...fieldError(error, 'address')}
      >
        <Input id="host-address" value={address} onChange={(e) => setAddress(e.currentTarget.value)} />
      </Field>
      <Field
        label={t('inventory.labels.label', 'Labels')}
        description={t('inventory.labels.hint', 'One key=value per line')}
        {...fieldError(error, 'labels')}
      >
        <TextArea id="host-labels" rows={3} value={labels} onChange={(e) => setLabels(e.currentTarget.value)} />
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
