import type { Command } from 'commander';
import { execute } from './run.js';

export function registerAudit(program: Command) {
  const audit = program.command('audit').description('the append-only audit log');
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
