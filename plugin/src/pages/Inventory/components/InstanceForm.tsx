import React, { useState } from 'react';
import { t } from '@grafana/i18n';
import { Button, Combobox, Field, Input, RadioButtonGroup, SecretInput, Stack, Switch, TextArea } from '@grafana/ui';

import type { Engine, Host, Instance, InstanceInput, InstancePatch, TlsMode } from '../../../api/inventory';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel } from '../../../components/labels/labels';
import { testIds } from '../../../components/testIds';
import { labelsToText, textToLabels } from '../inventory.utils';
import { fieldError, hasUnplacedError } from './fieldError';

interface Props {
  initial?: Instance;
  hosts: Host[];
  defaultHostId?: string;
  onCreate: (input: InstanceInput) => Promise<unknown>;
  onUpdate: (id: string, patch: InstancePatch) => Promise<unknown>;
  onCancel: () => void;
}

const ENGINES: Engine[] = ['mysql', 'mariadb', 'postgres'];
const TLS_MODES: TlsMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];
const DEFAULT_PORT: Record<Engine, number> = { mysql: 3306, mariadb: 3306, postgres: 5432 };
const FIELDS = [
  'name',
  'hostId',
  'engine',
  'port',
  'user',
  'password',
  'database',
  'tls.mode',
  'labels',
  'backupEvidenceSql',
  'enabled',
];

export function InstanceForm({ initial, hosts, defaultHostId, onCreate, onUpdate, onCancel }: Props) {
  const [name, setName] = useState(initial?.name ?? '');
  const [hostId, setHostId] = useState(initial?.hostId ?? defaultHostId ?? '');
  const [engine, setEngine] = useState<Engine>(initial?.engine ?? 'mysql');
  const [port, setPort] = useState(String(initial?.port ?? DEFAULT_PORT.mysql));
  const [user, setUser] = useState(initial?.user ?? '');
  const [password, setPassword] = useState('');
  const [passwordSet, setPasswordSet] = useState(initial?.passwordSet ?? false);
  const [database, setDatabase] = useState(initial?.database ?? '');
  const [tlsMode, setTlsMode] = useState<TlsMode | ''>(initial?.tls?.mode ?? '');
  const [labels, setLabels] = useState(labelsToText(initial?.labels));
  const [backupSql, setBackupSql] = useState(initial?.backupEvidenceSql ?? '');
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);

  const changeEngine = (next: Engine) => {
    if (port === String(DEFAULT_PORT[engine])) {
      setPort(String(DEFAULT_PORT[next]));
    }
    setEngine(next);
  };

  const submit = async () => {
    setSaving(true);
    setError(undefined);
    // The port goes out as typed (a number when it is one) so the backend's message names a bad value.
    const portValue = /^\d+$/.test(port.trim()) ? Number(port) : port;
    const common = {
      name,
      hostId,
      engine,
      port: portValue as number,
      user,
      labels: textToLabels(labels),
      enabled,
    };
    try {
      if (initial) {
        const patch: InstancePatch = {
          ...common,
          database: database || null,
          tls: tlsMode ? { mode: tlsMode } : null,
          backupEvidenceSql: backupSql || null,
          // A password is sent only when typed or cleared; otherwise the stored one stays.
          ...(password ? { password } : !passwordSet && initial.passwordSet ? { password: null } : {}),
        };
        await onUpdate(initial.id, patch);
      } else {
        await onCreate({
          ...common,
          ...(password ? { password } : {}),
          ...(database ? { database } : {}),
          ...(tlsMode ? { tls: { mode: tlsMode } } : {}),
          ...(backupSql ? { backupEvidenceSql: backupSql } : {}),
        });
      }
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return (
    <form
      data-testid={testIds.inventory.instanceForm}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Field label={t('inventory.instance.host', 'Host')} {...fieldError(error, 'hostId')}>
        <Combobox
          id="instance-host"
          options={hosts.map((h) => ({ label: `${h.name} (${h.address})`, value: h.id }))}
          value={hostId || null}
          onChange={(option) => setHostId(option?.value ?? '')}
        />
      </Field>
      <Field label={t('inventory.instance.name', 'Name')} {...fieldError(error, 'name')}>
        <Input id="instance-name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t('inventory.instance.engine', 'Engine')} {...fieldError(error, 'engine')}>
        <RadioButtonGroup
          options={ENGINES.map((e) => ({ label: engineLabel(e), value: e }))}
          value={engine}
          onChange={changeEngine}
        />
      </Field>
      <Field label={t('inventory.instance.port', 'Port')} {...fieldError(error, 'port')}>
        <Input id="instance-port" width={12} value={port} onChange={(e) => setPort(e.currentTarget.value)} />
      </Field>
      <Field
        label={t('inventory.instance.user', 'User')}
        description={t('inventory.instance.userHint', 'A monitoring account with read-only grants')}
        {...fieldError(error, 'user')}
      >
        <Input id="instance-user" value={user} onChange={(e) => setUser(e.currentTarget.value)} />
      </Field>
      <Field label={t('inventory.instance.password', 'Password')} {...fieldError(error, 'password')}>
        <SecretInput
          id="instance-password"
          isConfigured={passwordSet}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          onReset={() => {
            setPassword('');
            setPasswordSet(false);
          }}
        />
      </Field>
      <Field label={t('inventory.instance.database', 'Database')} {...fieldError(error, 'database')}>
        <Input id="instance-database" value={database} onChange={(e) => setDatabase(e.currentTarget.value)} />
      </Field>
      <Field label={t('inventory.instance.tls', 'TLS')} {...fieldError(error, 'tls.mode')}>
        <Combobox
          id="instance-tls"
          isClearable
          options={TLS_MODES.map((m) => ({ label: m, value: m }))}
          value={tlsMode || null}
          onChange={(option) => setTlsMode(option?.value ?? '')}
        />
      </Field>
      <Field
        label={t('inventory.labels.label', 'Labels')}
        description={t('inventory.labels.hint', 'One key=value per line')}
        {...fieldError(error, 'labels')}
      >
        <TextArea id="instance-labels" rows={3} value={labels} onChange={(e) => setLabels(e.currentTarget.value)} />
      </Field>
      <Field
        label={t('inventory.instance.backupSql', 'Backup evidence SQL')}
        description={t(
          'inventory.instance.backupSqlHint',
          'Optional: one SELECT returning last_backup_end, run on the instance to check backup age'
        )}
        {...fieldError(error, 'backupEvidenceSql')}
      >
        <TextArea
          id="instance-backup-sql"
          rows={2}
          value={backupSql}
          onChange={(e) => setBackupSql(e.currentTarget.value)}
        />
      </Field>
      <Field label={t('inventory.instance.enabled', 'Inspected')} {...fieldError(error, 'enabled')}>
        <Switch id="instance-enabled" value={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
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
