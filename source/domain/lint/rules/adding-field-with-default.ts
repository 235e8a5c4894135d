import type { ColumnDef } from 'libpg-query';
import type { LintRule } from '../rule.js';
import { addedColumns, commandHit, constraintsOf, isSerial, nodesOf, strings } from '../tree.js';

/**
 * VOLATILE functions (pg_proc.provolatile = 'v') that people put in defaults,
 * built in or from uuid-ossp and pgcrypto. Since PostgreSQL 11 any other
 * default is stored once in the catalog; these are evaluated per row, so the
 * table is rewritten.
 */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'gen_salt',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'currval',
  'lastval',
  'setval',
  'array_shuffle',
  'array_sample',
]);

/** Why filling the column rewrites the table, or undefined when it does not. */
function rewriteReason(definition: ColumnDef): string | undefined {
  if (isSerial(definition.typeName)) return strings(definition.typeName?.names)[0];
  for (const constraint of constraintsOf(definition)) {
    if (constraint.contype === 'CONSTR_IDENTITY') return 'identity';
    if (constraint.contype === 'CONSTR_GENERATED') return 'generated stored';
    if (constraint.contype === 'CONSTR_DEFAULT') {
      const volatile = nodesOf(constraint.raw_expr, 'FuncCall')
        .map((call) => strings(call.funcname).at(-1) ?? '')
        .find((name) => VOLATILE_FUNCTIONS.has(name));
      if (volatile) return `default ${volatile}()`;
    }
  }
  return undefined;
}

export const addingFieldWithDefault: LintRule = {
  id: 'adding-field-with-default',
  severity: 'error',
  message: 'a volatile default, serial, identity or stored generated column fills every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock',
  fix: 'add the column without a default (or with a constant one), backfill it in batches, then ALTER COLUMN ... SET DEFAULT for new rows',
  check: (file) =>
    addedColumns(file).flatMap((added) => {
      const reason = rewriteReason(added.definition);
      return reason ? [commandHit(added, `${added.column} ${reason}`)] : [];
    }),
  cases: {
    must: [
      'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      'ALTER TABLE users ADD COLUMN score integer NOT NULL DEFAULT (random() * 100)::integer;',
      'ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT clock_timestamp();',
      'ALTER TABLE users ADD COLUMN legacy_id uuid DEFAULT public.uuid_generate_v4();',
      "ALTER TABLE users ADD COLUMN note text DEFAULT timeofday();",
      "ALTER TABLE users ADD COLUMN n bigint DEFAULT nextval('users_n_seq');",
      'ALTER TABLE users ADD COLUMN n bigserial;',
      'ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;',
      'ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * quantity) STORED;',
    ],
    mustNot: [
      "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
      'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();',
      'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT current_timestamp;',
      "ALTER TABLE users ADD COLUMN settings jsonb DEFAULT '{}'::jsonb;",
      "ALTER TABLE users ADD COLUMN code text DEFAULT lower('X');",
      'ALTER TABLE users ADD COLUMN score integer DEFAULT 0;',
      // A new table has no rows to rewrite.
      'CREATE TABLE sessions (id uuid PRIMARY KEY DEFAULT gen_random_uuid());',
      'CREATE TABLE sessions (id bigint);\nALTER TABLE sessions ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      // Setting a default changes only rows inserted later.
      'ALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();',
    ],
  },
};
