import type { LintRule } from '../rule.js';
import { statementOf } from '../tree.js';

export const banDropDatabase: LintRule = {
  id: 'ban-drop-database',
  severity: 'error',
  message: 'dropping a database does not belong in a migration',
  fix: 'remove the statement; drop databases by hand, outside the migrations',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const drop = statementOf(statement, 'DropdbStmt');
      return drop ? [{ statement, subject: drop.dbname ?? '' }] : [];
    }),
  cases: {
    must: ['DROP DATABASE shop;', 'DROP DATABASE IF EXISTS shop WITH (FORCE);'],
    mustNot: ['DROP SCHEMA reporting;', 'CREATE DATABASE shop;'],
  },
};
