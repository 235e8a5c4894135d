import type { Command } from 'commander';
import { table } from './output.js';
import { execute } from './run.js';

export function registerAudit(program: Command) {
  const audit = program
    .command('audit')
    .description('overrides of safety rules and who made them; `audit verify <env>` checks the hash chain')
    .argument('[env]', 'one environment (default: every one)')
    .option('--json', 'print {"overrides":[...]} on stdout')
    .action((env: string | undefined, _options, command: Command) =>
      execute(command, async (context, output) => {
        const { readOverrides } = await import('../engine/history.js');
        const rows = await readOverrides(context, env);
        if (output.json) return output.printJson({ overrides: rows });
        if (rows.length === 0) return output.print(`no overrides${env ? ` in ${env}` : ''}: every deployment followed the rules`);
        output.print(table([
          ['ENV', 'DEPLOYMENT', 'KIND', 'STATUS', 'WHEN', 'WHO', 'RULE', 'JUSTIFICATION'],
          ...rows.map((row) => [row.environment, `#${row.deploymentId}`, row.kind, row.status, row.at, row.operator, `${row.rule}${row.riker ? ' (Riker)' : ''}`, row.justification]),
        ]));
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
