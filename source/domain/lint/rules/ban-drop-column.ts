import type { LintRule } from '../rule.js';
import { commandHit, commandsOnExistingTables } from '../tree.js';

export const banDropColumn: LintRule = {
  id: 'ban-drop-column',
  severity: 'warning',
  message: 'dropping a column loses its values and breaks every client that still reads or writes it',
  fix: 'stop every client from using the column first (deploy that), then drop it and say so with -- data:ignore ban-drop-column <reason>',
  check: (file) =>
    commandsOnExistingTables(file, 'AT_DropColumn').map((command) => commandHit(command, `${command.table}.${command.command.name ?? ''}`)),
  cases: {
    must: ['ALTER TABLE users DROP COLUMN email;', 'ALTER TABLE users DROP COLUMN IF EXISTS email, DROP nickname;'],
    mustNot: [
      'CREATE TABLE users (id bigint, email text);\nALTER TABLE users DROP COLUMN email;',
      'ALTER TABLE users DROP CONSTRAINT users_email_key;',
    ],
  },
};
