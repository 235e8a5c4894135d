import type { LintRule, RuleHit } from '../rule.js';
import { bodyOf, commandHit, commandsOnExistingTables } from '../tree.js';

const SCANNED = new Set(['CONSTR_FOREIGN', 'CONSTR_CHECK']);

export const constraintMissingNotValid: LintRule = {
  id: 'constraint-missing-not-valid',
  severity: 'error',
  message: 'adding a foreign key or check constraint scans the whole table while it blocks writes',
  fix: 'add it with NOT VALID, then ALTER TABLE ... VALIDATE CONSTRAINT in a later migration: validating does not block writes',
  check: (file) => {
    const hits: RuleHit[] = [];
    // Constraints added NOT VALID by this file, 'table.name'.
    const notValid = new Set<string>();
    const added = commandsOnExistingTables(file, 'AT_AddConstraint');
    const validated = commandsOnExistingTables(file, 'AT_ValidateConstraint');
    for (const command of [...added, ...validated].sort((a, b) => a.statement.index - b.statement.index)) {
      const constraint = bodyOf(command.command.def, 'Constraint');
      if (constraint) {
        if (!SCANNED.has(constraint.contype ?? '')) continue;
        const name = `${command.table}.${constraint.conname ?? ''}`;
        if (constraint.skip_validation) notValid.add(name);
        else hits.push(commandHit(command, constraint.conname ? name : command.table));
        continue;
      }
      // VALIDATE in the same transaction as the NOT VALID add holds the add's lock through the scan.
      const name = `${command.table}.${command.command.name ?? ''}`;
      if (notValid.has(name) && !file.noTransaction) hits.push({ ...commandHit(command, name), subject: `${name} (validated in the same transaction as it was added)` });
    }
    return hits;
  },
  cases: {
    must: [
      'ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      'ALTER TABLE posts ADD CONSTRAINT posts_title_check CHECK (char_length(title) > 0);',
      'ALTER TABLE posts ADD FOREIGN KEY (user_id) REFERENCES users;',
      'ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE posts VALIDATE CONSTRAINT posts_user_fk;',
    ],
    mustNot: [
      'ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
      'ALTER TABLE posts VALIDATE CONSTRAINT posts_user_fk;',
      'ALTER TABLE posts ADD CONSTRAINT posts_title_check CHECK (char_length(title) > 0) NOT VALID;',
      'CREATE TABLE posts (id bigint, user_id bigint);\nALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      '-- data:no-transaction\nALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE posts VALIDATE CONSTRAINT posts_user_fk;',
    ],
  },
};
