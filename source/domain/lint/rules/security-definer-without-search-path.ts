import type { LintRule } from '../rule.js';
import { bodyOf, qualifiedName, statementOf, strings } from '../tree.js';

export const securityDefinerWithoutSearchPath: LintRule = {
  id: 'security-definer-without-search-path',
  severity: 'error',
  message: "a SECURITY DEFINER function without its own search_path runs with its owner's rights but resolves names through the caller's search_path, so a caller can make it run their objects",
  fix: 'add SET search_path = pg_catalog, pg_temp to the function (schema-qualify what its body uses), or SET search_path = <its schema>, pg_temp',
  check: (file) =>
    file.statements.flatMap((statement) => {
      const routine = statementOf(statement, 'CreateFunctionStmt');
      if (!routine) return [];
      const options = (routine.options ?? []).flatMap((node) => bodyOf(node, 'DefElem') ?? []);
      const definer = options.some((option) => option.defname === 'security' && bodyOf(option.arg, 'Boolean')?.boolval === true);
      const setsPath = options.some((option) => option.defname === 'set' && bodyOf(option.arg, 'VariableSetStmt')?.name === 'search_path');
      if (!definer || setsPath) return [];
      return [{ statement, subject: `${routine.is_procedure ? 'procedure' : 'function'} ${qualifiedName(strings(routine.funcname))}` }];
    }),
  cases: {
    must: [
      "CREATE FUNCTION app.is_admin() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS 'SELECT true';",
      "CREATE OR REPLACE PROCEDURE app.archive() LANGUAGE sql SECURITY DEFINER SET work_mem = '64MB' AS 'DELETE FROM logs';",
    ],
    mustNot: [
      "CREATE FUNCTION app.is_admin() RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS 'SELECT true';",
      "CREATE FUNCTION app.is_admin() RETURNS boolean LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS 'SELECT true';",
      "CREATE FUNCTION app.is_admin() RETURNS boolean LANGUAGE sql AS 'SELECT true';",
      "CREATE FUNCTION app.is_admin() RETURNS boolean LANGUAGE sql SECURITY INVOKER AS 'SELECT true';",
    ],
  },
};
