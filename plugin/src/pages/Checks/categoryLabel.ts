import { t } from '@grafana/i18n';

/** Display name of a check category (the backend's enum); an unknown one shows as it comes. */
export function categoryLabel(category: string): string {
  switch (category) {
    case 'availability':
      return t('checks.category.availability', 'Availability');
    case 'replication':
      return t('checks.category.replication', 'Replication');
    case 'connections':
      return t('checks.category.connections', 'Connections');
    case 'transactions':
      return t('checks.category.transactions', 'Transactions');
    case 'locks':
      return t('checks.category.locks', 'Locks');
    case 'errors':
      return t('checks.category.errors', 'Errors and alerts');
    case 'backup':
      return t('checks.category.backup', 'Backup');
    case 'storage':
      return t('checks.category.storage', 'Storage');
    case 'objects':
      return t('checks.category.objects', 'Database objects');
    case 'security':
      return t('checks.category.security', 'Security');
    case 'parameters':
      return t('checks.category.parameters', 'Parameters');
    case 'host':
      return t('checks.category.host', 'Host and OS');
    case 'performance':
      return t('checks.category.performance', 'Performance');
    default:
      return category;
  }
}

export const CATEGORIES = [
  'availability',
  'replication',
  'connections',
  'transactions',
  'locks',
  'errors',
  'backup',
  'storage',
  'objects',
  'security',
  'parameters',
  'host',
  'performance',
] as const;

/** The UI language as the catalogue says it, so backend texts given in both languages follow the page. */
export const uiLanguage = (): 'en' | 'zh' => (t('checks.contentLanguage', 'en') === 'zh' ? 'zh' : 'en');
