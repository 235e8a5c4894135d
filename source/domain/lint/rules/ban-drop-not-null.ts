import type { LintRule } from '../rule.js';
import { commandHit, commandsOnExistingTables } from '../tree.js';

export const banDropNotNull: LintRule = {
  id: 'ban-drop-not-null',
  severity: 'warning',
  message: 'dropping NOT NULL lets NULLs into a column whose readers may not expect them',
  fix: 'make sure every client handles NULL in this column before deploying, then say so with -- data:ignore ban-drop-not-null <reason>',
  check: (file) =>
    commandsOnExistingTables(file, 'AT_DropNotNull').map((command) => commandHit(command, `${command.table}.${command.command.name ?? ''}`)),
  cases: {
    must: ['ALTER TABLE users ALTER COLUMN email DROP NOT NULL;', 'ALTER TABLE users ALTER email DROP NOT NULL, ALTER name DROP NOT NULL;'],
    mustNot: [
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      'CREATE TABLE users (id bigint, email text NOT NULL);\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
    ],
  },
};
