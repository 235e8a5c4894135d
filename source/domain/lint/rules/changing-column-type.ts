import type { LintRule } from '../rule.js';
import { bodyOf, commandHit, commandsOnExistingTables, formatType } from '../tree.js';

export const changingColumnType: LintRule = {
  id: 'changing-column-type',
  severity: 'error',
  message: "changing a column's type rewrites the table under an ACCESS EXCLUSIVE lock, and clients may break on the new type",
  fix: 'add a new column of the new type, backfill it in batches, move readers and writers to it, then drop the old column',
  check: (file) =>
    commandsOnExistingTables(file, 'AT_AlterColumnType').map((command) => {
      const type = formatType(bodyOf(command.command.def, 'ColumnDef')?.typeName);
      return commandHit(command, `${command.table}.${command.command.name ?? ''} to ${type}`);
    }),
  cases: {
    must: [
      'ALTER TABLE users ALTER COLUMN age TYPE bigint;',
      'ALTER TABLE users ALTER age SET DATA TYPE numeric USING age::numeric;',
    ],
    mustNot: [
      'CREATE TABLE users (id bigint, age integer);\nALTER TABLE users ALTER COLUMN age TYPE bigint;',
      'ALTER TABLE users ALTER COLUMN age SET DEFAULT 0;',
    ],
  },
};
