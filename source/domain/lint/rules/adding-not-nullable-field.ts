import type { LintRule } from '../rule.js';
import { addedColumns, commandHit, constraintsOf, isSerial } from '../tree.js';

/** Constraints that give a new column a value for the rows already there. */
const FILLING = new Set(['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED']);
/** Constraints that forbid NULL: a primary key implies NOT NULL. */
const NOT_NULL = new Set(['CONSTR_NOTNULL', 'CONSTR_PRIMARY']);

export const addingNotNullableField: LintRule = {
  id: 'adding-not-nullable-field',
  severity: 'error',
  message: 'adding a NOT NULL column without a default fails on a table that has rows',
  fix: 'add the column as nullable, backfill it, add CHECK (column IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL; or give it a constant DEFAULT',
  check: (file) =>
    addedColumns(file).flatMap((added) => {
      const kinds = constraintsOf(added.definition).map((constraint) => constraint.contype ?? '');
      const forbidsNull = kinds.some((kind) => NOT_NULL.has(kind));
      const filled = kinds.some((kind) => FILLING.has(kind)) || isSerial(added.definition.typeName);
      return forbidsNull && !filled ? [commandHit(added, added.column)] : [];
    }),
  cases: {
    must: [
      'ALTER TABLE users ADD COLUMN age integer NOT NULL;',
      'ALTER TABLE app.users ADD COLUMN nickname text NOT NULL, ADD COLUMN bio text;',
      'ALTER TABLE users ADD COLUMN code text PRIMARY KEY;',
    ],
    mustNot: [
      'ALTER TABLE users ADD COLUMN age integer;',
      "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
      'ALTER TABLE users ADD COLUMN id bigint NOT NULL GENERATED ALWAYS AS IDENTITY;',
      'ALTER TABLE users ADD COLUMN n bigserial NOT NULL;',
      // A table the file creates is empty.
      'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN age integer NOT NULL;',
      'CREATE TABLE users (id bigint, age integer NOT NULL);',
    ],
  },
};
