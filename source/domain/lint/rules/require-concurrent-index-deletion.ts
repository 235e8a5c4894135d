import type { LintRule } from '../rule.js';
import { droppedName, statementOf } from '../tree.js';

export const requireConcurrentIndexDeletion: LintRule = {
  id: 'require-concurrent-index-deletion',
  severity: 'warning',
  message: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, blocking reads and writes while it waits and runs',
  fix: 'use DROP INDEX CONCURRENTLY, in a migration of its own whose first line is -- data:no-transaction',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const drop = statementOf(statement, 'DropStmt');
      if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent) return [];
      return [{ statement, subject: `index ${(drop.objects ?? []).map(droppedName).join(', ')}` }];
    }),
  cases: {
    must: ['DROP INDEX users_email_idx;', 'DROP INDEX IF EXISTS app.users_email_idx, app.users_name_idx;'],
    mustNot: [
      '-- data:no-transaction\nDROP INDEX CONCURRENTLY users_email_idx;',
      'DROP TABLE users_email_idx;',
    ],
  },
};
