import type { AnyCheck } from '../check.types.js';
import { mysqlAccountsWithoutPassword } from './security/accounts-without-password.check.js';
import { mysqlAuditLogging } from './security/audit-logging.check.js';
import { mysqlLoginFailureLockout } from './security/login-failure-lockout.check.js';
import { mysqlOverOpenHosts } from './security/over-open-hosts.check.js';
import { mysqlPasswordPolicy } from './security/password-policy.check.js';
import { mysqlPrivilegeDrift } from './security/privilege-drift.check.js';
import { mysqlRiskyFeatures } from './security/risky-features.check.js';
import { mysqlTlsNotEnforced } from './security/tls-not-enforced.check.js';
import { mysqlVersionEol } from './security/version-eol.check.js';
import { mysqlWeakPasswords } from './security/weak-passwords.check.js';

export const MYSQL_WEEKLY_SECURITY_CHECKS: readonly AnyCheck[] = [
  mysqlAccountsWithoutPassword,
  mysqlWeakPasswords,
  mysqlOverOpenHosts,
  mysqlPasswordPolicy,
  mysqlLoginFailureLockout,
  mysqlTlsNotEnforced,
  mysqlRiskyFeatures,
  mysqlAuditLogging,
  mysqlPrivilegeDrift,
  mysqlVersionEol,
];
