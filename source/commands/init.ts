import type { Command } from 'commander';
import { execute } from './run.js';

export function registerInit(program: Command) {
  program
    .command('init')
    .description('scaffold data.config.yaml, migrations/ and the .gitignore line for .data/')
    .option('--json', 'print the result as JSON')
    .action((_options, command: Command) =>
      execute(command, async (context, output) => {
        const { initProject } = await import('../engine/init.js');
        const result = await initProject(context.cwd);
        if (output.json) output.printJson(result);
        else output.print(`created in ${result.root}:\n${result.created.map((item) => `  ${item}`).join('\n')}\nnext: add migrations/<version>_<name>.sql, then \`data plan local\` and \`data deploy local\``);
      }),
    );
}
