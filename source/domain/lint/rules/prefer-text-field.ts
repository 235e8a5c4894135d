import type { LintRule } from '../rule.js';
import { baseTypeName, columnDefinitions, formatType } from '../tree.js';

export const preferTextField: LintRule = {
  id: 'prefer-text-field',
  severity: 'warning',
  message: 'varchar(n) caps the length, and raising or lowering the cap later can lock and rewrite the table',
  fix: 'use text, with CHECK (char_length(column) <= n) if the limit matters (a check can be changed with NOT VALID)',
  check: (file) =>
    file.statements.flatMap((statement) =>
      columnDefinitions(statement)
        .filter(({ definition }) => baseTypeName(definition.typeName) === 'varchar' && (definition.typeName?.typmods?.length ?? 0) > 0)
        .map(({ column, definition, location }) => ({ statement, location, subject: `${column} ${formatType(definition.typeName)}` })),
    ),
  cases: {
    must: [
      'CREATE TABLE users (id bigint, email varchar(255));',
      'ALTER TABLE users ADD COLUMN nickname character varying(40);',
      'ALTER TABLE users ALTER COLUMN email TYPE varchar(320);',
    ],
    mustNot: [
      'CREATE TABLE users (id bigint, email text);',
      'CREATE TABLE users (id bigint, email varchar);',
      "CREATE TABLE users (id bigint, email text CHECK (char_length(email) <= 255));",
    ],
  },
};
