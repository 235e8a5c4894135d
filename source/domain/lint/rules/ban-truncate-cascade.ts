import type { LintRule } from '../rule.js';
import { bodyOf, statementOf, tableName } from '../tree.js';

export const banTruncateCascade: LintRule = {
  id: 'ban-truncate-cascade',
  severity: 'error',
  message: 'TRUNCATE ... CASCADE also empties every table that references these by foreign key, and the ones referencing those',
  fix: 'name every table to empty in the TRUNCATE and leave out CASCADE, so PostgreSQL refuses when another table still refers to them',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const truncate = statementOf(statement, 'TruncateStmt');
      if (truncate?.behavior !== 'DROP_CASCADE') return [];
      return [{ statement, subject: (truncate.relations ?? []).map((node) => tableName(bodyOf(node, 'RangeVar'))).join(', ') }];
    }),
  cases: {
    must: ['TRUNCATE users CASCADE;', 'TRUNCATE TABLE app.users, posts RESTART IDENTITY CASCADE;'],
    mustNot: ['TRUNCATE users;', 'TRUNCATE users, posts RESTRICT;', 'DROP TABLE users CASCADE;'],
  },
};
