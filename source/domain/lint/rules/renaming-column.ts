import type { LintRule } from '../rule.js';
import { isCreatedByFile, statementOf, tableName } from '../tree.js';

export const renamingColumn: LintRule = {
  id: 'renaming-column',
  severity: 'warning',
  message: 'renaming a column breaks every client that still uses the old name',
  fix: 'add the new column, write to both and move readers to it before dropping the old one; or deploy clients that handle both names first',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const rename = statementOf(statement, 'RenameStmt');
      if (rename?.renameType !== 'OBJECT_COLUMN' || rename.relationType !== 'OBJECT_TABLE') return [];
      const table = tableName(rename.relation);
      if (isCreatedByFile(file, table, statement)) return [];
      return [{ statement, subject: `${table}.${rename.subname ?? ''} to ${rename.newname ?? ''}` }];
    }),
  cases: {
    must: ['ALTER TABLE users RENAME COLUMN email TO mail;', 'ALTER TABLE app.users RENAME name TO full_name;'],
    mustNot: [
      'CREATE TABLE users (id bigint, email text);\nALTER TABLE users RENAME COLUMN email TO mail;',
      'ALTER TABLE users RENAME CONSTRAINT users_email_key TO users_mail_key;',
    ],
  },
};
