/** Why the backup checks cannot judge an instance whose inventory entry names no backup evidence query. */
export const NO_BACKUP_EVIDENCE = {
  en: 'no backup evidence source configured (set backupEvidenceSql on the instance)',
  zh: '未配置备份证据来源（请在实例上设置 backupEvidenceSql）',
} as const;
