import type { AnyCheck } from '../check.types.js';
import { mysqlAutoIncrementExhaustion } from './objects/auto-increment-exhaustion.check.js';
import { mysqlFragmentedTables } from './objects/fragmented-tables.check.js';
import { mysqlLargeTables } from './objects/large-tables.check.js';
import { mysqlNonInnodbTables } from './objects/non-innodb-tables.check.js';
import { mysqlOrphanDefiners } from './objects/orphan-definers.check.js';
import { mysqlOverIndexedTables } from './objects/over-indexed-tables.check.js';
import { mysqlRedundantIndexes } from './objects/redundant-indexes.check.js';
import { mysqlSchemaCharset } from './objects/schema-charset.check.js';
import { mysqlTablesWithoutPrimaryKey } from './objects/tables-without-primary-key.check.js';
import { mysqlUnusedIndexes } from './objects/unused-indexes.check.js';

/** MySQL/MariaDB weekly object checks, MY-W01 … MY-W10, in catalog order. */
export const MYSQL_WEEKLY_OBJECT_CHECKS: readonly AnyCheck[] = [
  mysqlTablesWithoutPrimaryKey,
  mysqlRedundantIndexes,
  mysqlUnusedIndexes,
  mysqlAutoIncrementExhaustion,
  mysqlNonInnodbTables,
  mysqlFragmentedTables,
  mysqlLargeTables,
  mysqlSchemaCharset,
  mysqlOrphanDefiners,
  mysqlOverIndexedTables,
];
