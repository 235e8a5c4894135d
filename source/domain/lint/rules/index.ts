import type { LintRule } from '../rule.js';
import type { LintRuleId } from '../rule-ids.js';
import { addingFieldWithDefault } from './adding-field-with-default.js';
import { addingNotNullableField } from './adding-not-nullable-field.js';
import { banConcurrentIndexCreationInTransaction } from './ban-concurrent-index-creation-in-transaction.js';
import { banDropColumn } from './ban-drop-column.js';
import { banDropDatabase } from './ban-drop-database.js';
import { banDropNotNull } from './ban-drop-not-null.js';
import { banDropTable } from './ban-drop-table.js';
import { banTruncateCascade } from './ban-truncate-cascade.js';
import { changingColumnType } from './changing-column-type.js';
import { constraintMissingNotValid } from './constraint-missing-not-valid.js';
import { disallowedUniqueConstraint } from './disallowed-unique-constraint.js';
import { preferIdentity } from './prefer-identity.js';
import { preferTextField } from './prefer-text-field.js';
import { preferTimestamptz } from './prefer-timestamptz.js';
import { renamingColumn } from './renaming-column.js';
import { renamingTable } from './renaming-table.js';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.js';
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion.js';
import { securityDefinerWithoutSearchPath } from './security-definer-without-search-path.js';

/** Every lint rule, by id; `satisfies` makes the compiler insist on one for each id of LINT_RULE_IDS. */
const RULES_BY_ID = {
  'adding-not-nullable-field': addingNotNullableField,
  'adding-field-with-default': addingFieldWithDefault,
  'require-concurrent-index-creation': requireConcurrentIndexCreation,
  'require-concurrent-index-deletion': requireConcurrentIndexDeletion,
  'constraint-missing-not-valid': constraintMissingNotValid,
  'changing-column-type': changingColumnType,
  'renaming-column': renamingColumn,
  'renaming-table': renamingTable,
  'ban-drop-table': banDropTable,
  'ban-drop-column': banDropColumn,
  'ban-drop-database': banDropDatabase,
  'ban-truncate-cascade': banTruncateCascade,
  'ban-drop-not-null': banDropNotNull,
  'disallowed-unique-constraint': disallowedUniqueConstraint,
  'prefer-timestamptz': preferTimestamptz,
  'prefer-text-field': preferTextField,
  'prefer-identity': preferIdentity,
  'ban-concurrent-index-creation-in-transaction': banConcurrentIndexCreationInTransaction,
  'security-definer-without-search-path': securityDefinerWithoutSearchPath,
} satisfies Record<LintRuleId, LintRule>;

export const LINT_RULES: readonly LintRule[] = Object.values(RULES_BY_ID);
