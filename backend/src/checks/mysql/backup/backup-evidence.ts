import type { Texts } from '../../check.types.js';

/** Why the backup age check cannot run: the instance names no query that returns its last backup. */
export const NO_BACKUP_EVIDENCE: Texts = {
  en: 'no backup evidence source configured (set backupEvidenceSql on the instance)',
  zh: '未配置备份证据来源（请在实例上设置 backupEvidenceSql）',
};
