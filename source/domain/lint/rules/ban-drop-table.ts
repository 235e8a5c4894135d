import type { LintRule } from '../rule.js';
import { droppedName, isCreatedByFile, statementOf } from '../tree.js';

export const banDropTable: LintRule = {
  id: 'ban-drop-table',
  severity: 'warning',
  message: 'dropping a table loses its rows and breaks every client that still uses it',
  fix: 'stop every client from using the table first and keep a backup; then say so with -- data:ignore ban-drop-table <reason>',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const drop = statementOf(statement, 'DropStmt');
      if (drop?.removeType !== 'OBJECT_TABLE') return [];
      const names = (drop.objects ?? []).map(droppedName).filter((name) => !isCreatedByFile(file, name, statement));
      return names.length ? [{ statement, subject: names.join(', ') }] : [];
    }),
  cases: {
    must: ['DROP TABLE users;', 'DROP TABLE IF EXISTS app.users, posts CASCADE;'],
    mustNot: [
      'CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;',
      'DROP VIEW users_view;',
      'DROP INDEX users_email_idx;',
    ],
  },
};
