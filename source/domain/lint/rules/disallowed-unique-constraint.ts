import type { LintRule } from '../rule.js';
import { addedColumns, bodyOf, commandHit, commandsOnExistingTables, constraintsOf } from '../tree.js';

export const disallowedUniqueConstraint: LintRule = {
  id: 'disallowed-unique-constraint',
  severity: 'error',
  message: 'adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes',
  fix: 'CREATE UNIQUE INDEX CONCURRENTLY in a -- data:no-transaction migration first, then ADD CONSTRAINT ... UNIQUE USING INDEX <that index>',
  check: (file) => [
    ...commandsOnExistingTables(file, 'AT_AddConstraint').flatMap((command) => {
      const constraint = bodyOf(command.command.def, 'Constraint');
      if (constraint?.contype !== 'CONSTR_UNIQUE' || constraint.indexname) return [];
      return [commandHit(command, constraint.conname ? `${command.table}.${constraint.conname}` : command.table)];
    }),
    ...addedColumns(file)
      .filter((added) => constraintsOf(added.definition).some((constraint) => constraint.contype === 'CONSTR_UNIQUE'))
      .map((added) => commandHit(added, added.column)),
  ],
  cases: {
    must: [
      'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      'ALTER TABLE users ADD UNIQUE (email, tenant_id);',
      'ALTER TABLE users ADD COLUMN handle text UNIQUE;',
    ],
    mustNot: [
      'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;',
      'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      'CREATE TABLE users (id bigint, email text UNIQUE);',
    ],
  },
};
