import type { Command } from 'commander';
import { renderHistory } from './history.js';
import { renderStatus } from './status.js';
import { canOpenDashboard, openDashboard } from './dashboard.js';
import { execute } from './run.js';

export function registerDemo(program: Command) {
  program
    .command('demo')
    .description('sample project + embedded local Postgres, deployed in steps (history with a failure and a rollback)')
    .option('--dir <path>', 'where to create the demo project', 'data-demo')
    .option('--no-ui', 'print a summary instead of opening the dashboard')
    .action((options: { dir: string; ui: boolean }, command: Command) =>
      execute(command, async (context, output) => {
        const { readStatus } = await import('../engine/status.js');
        const { readHistory } = await import('../engine/history.js');
        const { createDemo } = await import('../engine/demo.js');
        const result = await createDemo(context, options.dir);
        const demo = { ...context, cwd: result.dir, configPath: undefined, urlOverride: undefined };
        if (options.ui && canOpenDashboard()) return openDashboard({ ...demo, report: () => {} }, { environment: 'local', persona: output.persona });
        const now = context.clock();
        output.print(`demo project in ${result.dir}\n`);
        output.print(renderStatus(await readStatus(demo), now));
        output.print(`\nhistory of local:\n${renderHistory(await readHistory(demo, 'local'))}`);
        output.print(`\nnext: npx data --config ${result.dir}/data.config.yaml plan local   (or status, deploy local, rollback local, history prod)`);
      }),
    );
}
