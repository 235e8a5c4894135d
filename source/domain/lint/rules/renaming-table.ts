import type { LintRule } from '../rule.js';
import { isCreatedByFile, statementOf, tableName } from '../tree.js';

export const renamingTable: LintRule = {
  id: 'renaming-table',
  severity: 'warning',
  message: 'renaming a table breaks every client that still uses the old name',
  fix: 'deploy clients that use the new name first, or leave a view with the old name until they have moved',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const rename = statementOf(statement, 'RenameStmt');
      if (rename?.renameType !== 'OBJECT_TABLE') return [];
      const table = tableName(rename.relation);
      if (isCreatedByFile(file, table, statement)) return [];
      return [{ statement, subject: `${table} to ${rename.newname ?? ''}` }];
    }),
  cases: {
    must: ['ALTER TABLE users RENAME TO people;', 'ALTER TABLE IF EXISTS app.users RENAME TO people;'],
    mustNot: [
      'CREATE TABLE users_new (id bigint);\nALTER TABLE users_new RENAME TO people;',
      'ALTER TABLE users RENAME COLUMN email TO mail;',
      'ALTER INDEX users_email_idx RENAME TO users_mail_idx;',
    ],
  },
};
