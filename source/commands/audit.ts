import type { Command } from 'commander';
import { formatError } from '../domain/errors.js';
import { table } from './output.js';
import { execute } from './run.js';

export function registerAudit(program: Command) {
  const audit = program
    .command('audit')
    .description('overrides of safety rules and who made them; `audit verify <env>` checks the hash chain')
    .argument('[env]', 'one environment (default: every one)')
    .option('--json', 'print {"overrides":[...],"skipped":[...]} on stdout')
    .action((env: string | undefined, _options, command: Command) =>
      execute(command, async (context, output) => {
        const { readOverrides } = await import('../engine/history.js');
        const { overrides: rows, read, skipped } = await readOverrides(context, env);
        // An environment that could not be read makes the audit incomplete: exit 1, like `data status`.
        const code = skipped.length > 0 ? 1 : 0;
        const notes = skipped.map(({ environment, error }) => `${environment}: not read, so its overrides are not listed: ${formatError(error)}`);
        if (output.json) {
          output.printJson({
            overrides: rows,
            skipped: skipped.map(({ environment, error }) => ({ environment, error: { message: error.message, where: error.where ?? null, fix: error.fix ?? null, exitCode: error.exitCode } })),
          });
          for (const note of notes) output.line(`data: ${note}`);
          return code;
        }
        const scope = env ? ` in ${env}` : skipped.length > 0 ? ` in the environments read` : '';
        const nothingRead = read.length === 0;
        const listing =
          rows.length === 0
            ? nothingRead ? 'no environment could be read, so no override is listed' : `no overrides${scope}: every deployment followed the rules`
            : table([
                ['ENV', 'DEPLOYMENT', 'KIND', 'STATUS', 'WHEN', 'WHO', 'RULE', 'JUSTIFICATION'],
                ...rows.map((row) => [row.environment, `#${row.deploymentId}`, row.kind, row.status, row.at, row.operator, `${row.rule}${row.riker ? ' (Riker)' : ''}`, row.justification]),
              ]);
        output.print([listing, ...notes.map((note) => `\n${note}`)].join('\n'));
        return code;
      }),
    );
  audit
    .command('verify <env>')
    .description('walk the hash chain of data_meta.events; report the first broken link')
    .option('--json', 'print the verdict as JSON')
    .action((env: string, _options, command: Command) =>
      execute(command, async (context, output) => {
        const { verifyAuditLog } = await import('../engine/history.js');
        const verdict = await verifyAuditLog(context, env);
        if (output.json) output.printJson(verdict);
        else if (verdict.intact) output.print(`${env}: audit log intact, ${verdict.events} event(s) chained`);
        else output.print(`${env}: audit log BROKEN at event ${verdict.brokenAt}: ${verdict.reason}`);
        return verdict.intact ? 0 : 1;
      }),
    );
}
