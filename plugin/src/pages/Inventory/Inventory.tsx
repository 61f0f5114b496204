import React, { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { t } from '@grafana/i18n';
import { PluginPage } from '@grafana/runtime';
import {
  Badge,
  Button,
  ConfirmModal,
  Drawer,
  EmptyState,
  FilterInput,
  IconButton,
  Input,
  LoadingPlaceholder,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';

import { inventoryApi, type Business, type Engine, type Host, type Instance } from '../../api/inventory';
import { ApiErrorAlert } from '../../components/ApiErrorAlert/ApiErrorAlert';
import { engineLabel, formatLabel } from '../../components/labels/labels';
import { testIds } from '../../components/testIds';
import { useAsync } from '../../hooks/useAsync';
import { usePermissions } from '../../hooks/useGrafanaRole';
import { BusinessForm } from './components/BusinessForm';
import { ConnectionResult, type ConnectionTestState } from './components/ConnectionResult';
import { HostForm } from './components/HostForm';
import { ImportDrawer } from './components/ImportDrawer';
import { InstanceForm } from './components/InstanceForm';
import { buildInventoryTree, parseLabelTerms } from './inventory.utils';
import { RAW_VALUES } from '../../i18n-values';

type Editing =
  | { kind: 'business'; item?: Business }
  | { kind: 'host'; item?: Host; businessId?: string }
  | { kind: 'instance'; item?: Instance; hostId?: string };

type Deleting =
  { kind: 'business'; item: Business } | { kind: 'host'; item: Host } | { kind: 'instance'; item: Instance };

async function loadInventory() {
  const [businesses, hosts, instances] = await Promise.all([
    inventoryApi.listBusinesses(),
    inventoryApi.listHosts(),
    inventoryApi.listInstances(),
  ]);
  return { businesses, hosts, instances };
}

export function Inventory() {
  const styles = useStyles2(getStyles);
  const perms = usePermissions();
  const [params, setParams] = useSearchParams();
  const { data, error, loading, reload } = useAsync(loadInventory, []);
  const [search, setSearch] = useState('');
  const [engine, setEngine] = useState<Engine | ''>('');
  const [labelText, setLabelText] = useState('');
  const [editing, setEditing] = useState<Editing | undefined>(() =>
    params.get('add') === 'business' && perms.canEditInventory ? { kind: 'business' } : undefined
  );
  const [deleting, setDeleting] = useState<Deleting>();
  const [actionError, setActionError] = useState<unknown>();
  const [tests, setTests] = useState<Record<string, ConnectionTestState>>({});
  const [importing, setImporting] = useState(false);

  const tree = useMemo(
    () =>
      data
        ? buildInventoryTree(data.businesses, data.hosts, data.instances, {
            search,
            engine: engine || undefined,
            labels: parseLabelTerms(labelText),
          })
        : [],
    [data, search, engine, labelText]
  );

  const closeEditor = () => {
    setEditing(undefined);
    if (params.has('add')) {
      params.delete('add');
      setParams(params, { replace: true });
    }
  };
  const saved = () => {
    closeEditor();
    reload();
  };

  const testConnection = async (instance: Instance) => {
    setTests((s) => ({ ...s, [instance.id]: { kind: 'running' } }));
    try {
      const result = await inventoryApi.testInstance(instance.id);
      setTests((s) => ({ ...s, [instance.id]: { kind: 'done', result } }));
    } catch (err) {
      setTests((s) => ({ ...s, [instance.id]: { kind: 'failed', error: err } }));
    }
  };

  const confirmDelete = async () => {
    if (!deleting) {
      return;
    }
    setActionError(undefined);
    try {
      if (deleting.kind === 'business') {
        await inventoryApi.deleteBusiness(deleting.item.id);
      } else if (deleting.kind === 'host') {
        await inventoryApi.deleteHost(deleting.item.id);
      } else {
        await inventoryApi.deleteInstance(deleting.item.id);
      }
      reload();
    } catch (err) {
      setActionError(err);
    } finally {
      setDeleting(undefined);
    }
  };

  const exportYaml = async () => {
    setActionError(undefined);
    try {
      const yaml = await inventoryApi.exportYaml();
      const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = 'dbpatrol-inventory.yaml';
      link.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setActionError(err);
    }
  };

  const actions = perms.canEditInventory ? (
    <Stack gap={1}>
      <Button icon="plus" onClick={() => setEditing({ kind: 'business' })}>
        {t('inventory.actions.addBusiness', 'Add business')}
      </Button>
      <Button icon="upload" variant="secondary" onClick={() => setImporting(true)}>
        {t('inventory.actions.import', 'Import')}
      </Button>
      <Button icon="download-alt" variant="secondary" onClick={exportYaml}>
        {t('inventory.actions.export', 'Export')}
      </Button>
    </Stack>
  ) : undefined;

  if (loading && !data) {
    return (
      <PluginPage>
        <LoadingPlaceholder text={t('inventory.loading', 'Loading the inventory…')} />
      </PluginPage>
    );
  }

  return (
    <PluginPage>
      {error !== undefined && (
        <ApiErrorAlert error={error} title={t('inventory.error', 'Could not load the inventory')} />
      )}
      {actionError !== undefined && <ApiErrorAlert error={actionError} onRemove={() => setActionError(undefined)} />}
      {data && (
        <>
          <Stack gap={1} wrap="wrap">
            {actions}
            <div className={styles.search} data-testid={testIds.inventory.search}>
              <FilterInput
                placeholder={t('inventory.filter.search', 'Search businesses, hosts, instances')}
                value={search}
                onChange={setSearch}
              />
            </div>
            <RadioButtonGroup
              options={[
                { label: t('inventory.filter.allEngines', 'All engines'), value: '' as const },
                ...(['mysql', 'mariadb', 'postgres'] as const).map((e) => ({ label: engineLabel(e), value: e })),
              ]}
              value={engine}
              onChange={(value) => setEngine(value)}
            />
            <Input
              width={30}
              aria-label={t('inventory.filter.labels', 'Label filter')}
              placeholder={t('inventory.filter.labelsPlaceholder', 'Labels, e.g. env:prod')}
              value={labelText}
              onChange={(e) => setLabelText(e.currentTarget.value)}
            />
          </Stack>

          {data.businesses.length === 0 ? (
            <EmptyState variant="call-to-action" message={t('inventory.empty.title', 'The inventory is empty')}>
              {perms.canEditInventory
                ? t('inventory.empty.admin', 'Add a business first; hosts and instances go under it.')
                : t(
                    'inventory.empty.viewer',
                    'An administrator of your organization adds businesses, hosts and instances.'
                  )}
            </EmptyState>
          ) : tree.length === 0 ? (
            <EmptyState variant="not-found" message={t('inventory.filter.noMatch', 'Nothing matches the filters')} />
          ) : (
            <ul className={styles.tree} data-testid={testIds.inventory.tree}>
              {tree.map(({ business, hosts }) => (
                <li key={business.id} aria-label={business.name}>
                  <Stack alignItems="center" gap={1}>
                    <Text element="h4">{business.name}</Text>
                    {business.description && <Text color="secondary">{business.description}</Text>}
                    {perms.canEditInventory && (
                      <>
                        <IconButton
                          name="plus"
                          tooltip={t('inventory.actions.addHost', 'Add host')}
                          onClick={() => setEditing({ kind: 'host', businessId: business.id })}
                        />
                        <IconButton
                          name="pen"
                          tooltip={t('inventory.actions.editBusiness', 'Edit business {{name}}', {
                            ...RAW_VALUES,
                            name: business.name,
                          })}
                          onClick={() => setEditing({ kind: 'business', item: business })}
                        />
                        <IconButton
                          name="trash-alt"
                          tooltip={t('inventory.actions.deleteBusiness', 'Delete business {{name}}', {
                            ...RAW_VALUES,
                            name: business.name,
                          })}
                          onClick={() => setDeleting({ kind: 'business', item: business })}
                        />
                      </>
                    )}
                  </Stack>
                  <ul className={styles.tree}>
                    {hosts.map(({ host, instances }) => (
                      <li key={host.id} aria-label={host.name}>
                        <Stack alignItems="center" gap={1}>
                          <Text weight="medium">{host.name}</Text>
                          <Text color="secondary">{host.address}</Text>
                          {Object.entries(host.labels).map(([k, v]) => (
                            <Badge key={k} color="blue" text={formatLabel(k, v)} />
                          ))}
                          {perms.canEditInventory && (
                            <>
                              <IconButton
                                name="plus"
                                tooltip={t('inventory.actions.addInstance', 'Add instance')}
                                onClick={() => setEditing({ kind: 'instance', hostId: host.id })}
                              />
                              <IconButton
                                name="pen"
                                tooltip={t('inventory.actions.editHost', 'Edit host {{name}}', {
                                  ...RAW_VALUES,
                                  name: host.name,
                                })}
                                onClick={() => setEditing({ kind: 'host', item: host })}
                              />
                              <IconButton
                                name="trash-alt"
                                tooltip={t('inventory.actions.deleteHost', 'Delete host {{name}}', {
                                  ...RAW_VALUES,
                                  name: host.name,
                                })}
                                onClick={() => setDeleting({ kind: 'host', item: host })}
                              />
                            </>
                          )}
                        </Stack>
                        <ul className={styles.tree}>
                          {instances.map((instance) => (
                            <li key={instance.id} aria-label={instance.name}>
                              <Stack alignItems="center" gap={1}>
                                <Text>{instance.name}</Text>
                                <Badge color="purple" text={engineLabel(instance.engine)} />
                                <Text color="secondary">
                                  {instance.user}@{host.address}:{instance.port}
                                </Text>
                                {!instance.enabled && (
                                  <Badge color="darkgrey" text={t('inventory.instance.disabled', 'not inspected')} />
                                )}
                                {Object.entries(instance.labels).map(([k, v]) => (
                                  <Badge key={k} color="blue" text={formatLabel(k, v)} />
                                ))}
                                {perms.canTestConnection && (
                                  <Button
                                    size="sm"
                                    variant="secondary"
                                    onClick={() => testConnection(instance)}
                                    disabled={tests[instance.id]?.kind === 'running'}
                                  >
                                    {t('inventory.actions.test', 'Test connection')}
                                  </Button>
                                )}
                                {perms.canEditInventory && (
                                  <>
                                    <IconButton
                                      name="pen"
                                      tooltip={t('inventory.actions.editInstance', 'Edit instance {{name}}', {
                                        ...RAW_VALUES,
                                        name: instance.name,
                                      })}
                                      onClick={() => setEditing({ kind: 'instance', item: instance })}
                                    />
                                    <IconButton
                                      name="trash-alt"
                                      tooltip={t('inventory.actions.deleteInstance', 'Delete instance {{name}}', {
                                        ...RAW_VALUES,
                                        name: instance.name,
                                      })}
                                      onClick={() => setDeleting({ kind: 'instance', item: instance })}
                                    />
                                  </>
                                )}
                              </Stack>
                              {tests[instance.id] && (
                                <ConnectionResult
                                  state={tests[instance.id]!}
                                  onClose={() => setTests(({ [instance.id]: _closed, ...rest }) => rest)}
                                />
                              )}
                            </li>
                          ))}
                        </ul>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
        </>
      )}

      {editing && data && (
        <Drawer title={editorTitle(editing)} onClose={closeEditor} size="md">
          {editing.kind === 'business' && (
            <BusinessForm
              initial={editing.item}
              onCancel={closeEditor}
              onSubmit={async (input) => {
                await (editing.item
                  ? inventoryApi.updateBusiness(editing.item.id, input)
                  : inventoryApi.createBusiness(input));
                saved();
              }}
            />
          )}
          {editing.kind === 'host' && (
            <HostForm
              initial={editing.item}
              businesses={data.businesses}
              defaultBusinessId={editing.businessId}
              onCancel={closeEditor}
              onSubmit={async (input) => {
                await (editing.item ? inventoryApi.updateHost(editing.item.id, input) : inventoryApi.createHost(input));
                saved();
              }}
            />
          )}
          {editing.kind === 'instance' && (
            <InstanceForm
              initial={editing.item}
              hosts={data.hosts}
              defaultHostId={editing.hostId}
              onCancel={closeEditor}
              onCreate={async (input) => {
                await inventoryApi.createInstance(input);
                saved();
              }}
              onUpdate={async (id, patch) => {
                await inventoryApi.updateInstance(id, patch);
                saved();
              }}
            />
          )}
        </Drawer>
      )}

      {importing && <ImportDrawer onClose={() => setImporting(false)} onImported={reload} />}

      <ConfirmModal
        isOpen={Boolean(deleting)}
        title={t('inventory.delete.title', 'Delete {{name}}?', { ...RAW_VALUES, name: deleting?.item.name ?? '' })}
        body={t(
          'inventory.delete.body',
          'This cannot be undone. A business or host that still has hosts or instances is not deleted.'
        )}
        confirmText={t('inventory.delete.confirm', 'Delete')}
        onConfirm={confirmDelete}
        onDismiss={() => setDeleting(undefined)}
      />
    </PluginPage>
  );
}

function editorTitle(editing: Editing): string {
  switch (editing.kind) {
    case 'business':
      return editing.item
        ? t('inventory.editor.editBusiness', 'Edit business')
        : t('inventory.editor.newBusiness', 'New business');
    case 'host':
      return editing.item ? t('inventory.editor.editHost', 'Edit host') : t('inventory.editor.newHost', 'New host');
    case 'instance':
      return editing.item
        ? t('inventory.editor.editInstance', 'Edit instance')
        : t('inventory.editor.newInstance', 'New instance');
  }
}

const getStyles = (theme: GrafanaTheme2) => ({
  search: css`
    flex: 1 1 300px;
  `,
  tree: css`
    list-style: none;
    margin: ${theme.spacing(1, 0, 0, 0)};
    padding-left: ${theme.spacing(3)};
    li {
      margin-bottom: ${theme.spacing(1)};
    }
  `,
});
