import type { LintRule } from '../rule.js';
import { isCreatedByFile, statementOf, tableName } from '../tree.js';

export const requireConcurrentIndexCreation: LintRule = {
  id: 'require-concurrent-index-creation',
  severity: 'error',
  message: 'CREATE INDEX without CONCURRENTLY blocks every write to the table until the index is built',
  fix: 'use CREATE INDEX CONCURRENTLY, in a migration of its own whose first line is -- data:no-transaction',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const index = statementOf(statement, 'IndexStmt');
      if (!index || index.concurrent) return [];
      const table = tableName(index.relation);
      if (isCreatedByFile(file, table, statement)) return [];
      return [{ statement, subject: index.idxname ? `index ${index.idxname} on ${table}` : `index on ${table}` }];
    }),
  cases: {
    must: [
      'CREATE INDEX users_email_idx ON users (email);',
      'CREATE UNIQUE INDEX ON app.users (lower(email));',
      // Created by another migration, not this file.
      'CREATE TABLE posts (id bigint);\nCREATE INDEX users_name_idx ON users (name);',
    ],
    mustNot: [
      '-- data:no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      'CREATE TABLE users (id bigint, email text);\nCREATE INDEX users_email_idx ON users (email);',
      'CREATE TABLE app.users (id bigint, email text);\nCREATE INDEX ON app.users (email);',
    ],
  },
};
