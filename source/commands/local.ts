import type { Command } from 'commander';
import type { EmbeddedStatus } from '../adapters/embedded-postgres.js';
import { execute } from './run.js';

const describe = (status: EmbeddedStatus) =>
  status.running
    ? `running (pid ${status.pid}) on 127.0.0.1:${status.port}, data in ${status.dataDir}, log ${status.logFile}`
    : status.initialised
      ? `stopped; data in ${status.dataDir}`
      : 'not created yet (it starts on first use, or with `data local start`)';

export function registerLocal(program: Command) {
  const local = program.command('local').description('the embedded PostgreSQL server of embedded: true environments');
  local
    .command('start')
    .description('start it (it also starts on demand)')
    .option('--json', 'print the server status as JSON')
    .action((_options, command: Command) =>
      execute(command, async (context, output) => {
        const { startLocalServer } = await import('../engine/local.js');
        const status = await startLocalServer(context);
        if (output.json) output.printJson(status);
        else output.print(describe(status));
      }),
    );
  local
    .command('stop')
    .description('stop it')
    .option('--json', 'print {"stopped":true|false} as JSON')
    .action((_options, command: Command) =>
      execute(command, async (context, output) => {
        const { stopLocalServer } = await import('../engine/local.js');
        const stopped = await stopLocalServer(context);
        if (output.json) output.printJson({ stopped });
        else output.print(stopped ? 'stopped the embedded server' : 'the embedded server was not running');
      }),
    );
  local
    .command('status')
    .description('is it running, where, on which port')
    .option('--json', 'print the server status as JSON')
    .action((_options, command: Command) =>
      execute(command, async (context, output) => {
        const { localServerStatus } = await import('../engine/local.js');
        const status = await localServerStatus(context);
        if (output.json) output.printJson(status);
        else output.print(describe(status));
      }),
    );
}
