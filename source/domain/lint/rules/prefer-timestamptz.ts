import type { LintRule } from '../rule.js';
import { baseTypeName, columnDefinitions } from '../tree.js';

export const preferTimestamptz: LintRule = {
  id: 'prefer-timestamptz',
  severity: 'warning',
  message: 'timestamp (without time zone) drops the UTC offset of what is stored, so instants from different zones get mixed up',
  fix: 'use timestamptz (timestamp with time zone)',
  check: (file) =>
    file.statements.flatMap((statement) =>
      columnDefinitions(statement)
        .filter(({ definition }) => baseTypeName(definition.typeName) === 'timestamp')
        .map(({ column, location }) => ({ statement, location, subject: column })),
    ),
  cases: {
    must: [
      'CREATE TABLE events (id bigint, happened_at timestamp);',
      'ALTER TABLE events ADD COLUMN seen_at timestamp(3) without time zone;',
      'ALTER TABLE events ALTER COLUMN happened_at TYPE timestamp;',
      'CREATE TABLE events (id bigint, history timestamp[]);',
    ],
    mustNot: [
      'CREATE TABLE events (id bigint, happened_at timestamptz);',
      'ALTER TABLE events ADD COLUMN seen_at timestamp with time zone;',
      'CREATE TABLE events (id bigint, day date, at_time time);',
    ],
  },
};
