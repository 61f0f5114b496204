import type { AnyCheck } from '../check.types.js';
import { postgresConfigRoleDrift } from './security/config-role-drift.check.js';
import { postgresLoggingAudit } from './security/logging-audit.check.js';
import { postgresLoginWithoutPassword } from './security/login-without-password.check.js';
import { postgresNonTlsSessions } from './security/non-tls-sessions.check.js';
import { postgresOutdatedExtensions } from './security/outdated-extensions.check.js';
import { postgresPasswordExpiry } from './security/password-expiry.check.js';
import { postgresPasswordHashing } from './security/password-hashing.check.js';
import { postgresPublicSchemaCreate } from './security/public-schema-create.check.js';
import { postgresSchemaDrift } from './security/schema-drift.check.js';
import { postgresSecurityDefinerSearchPath } from './security/security-definer-search-path.check.js';
import { postgresSuperuserLogins } from './security/superuser-logins.check.js';
import { postgresVersionEol } from './security/version-eol.check.js';
import { postgresWeakHbaRules } from './security/weak-hba-rules.check.js';

/** PostgreSQL weekly security checks, PG-W13 … PG-W21, in catalog order. */
export const POSTGRES_WEEKLY_SECURITY_CHECKS: readonly AnyCheck[] = [
  postgresSuperuserLogins,
  postgresPasswordExpiry,
  postgresPasswordHashing,
  postgresLoginWithoutPassword,
  postgresWeakHbaRules,
  postgresPublicSchemaCreate,
  postgresSecurityDefinerSearchPath,
  postgresNonTlsSessions,
  postgresVersionEol,
  postgresOutdatedExtensions,
  postgresSchemaDrift,
  postgresConfigRoleDrift,
  postgresLoggingAudit,
];
