import type { Command } from 'commander';
import { usageError } from '../domain/errors.js';
import type { Project } from '../engine/project.js';
import type { ProfileListing } from '../engine/setup.js';
import type { SetupOutcome } from '../ui/setup/setup-flow.js';
import { table } from './output.js';
import { loadUi } from './load-ui.js';
import { execute } from './run.js';

/** The setup prompts on this terminal (drawn on stderr), wired to the engine's check and save. */
export async function setUpInTerminal(project: Project, environment: string | undefined, vars: Record<string, string | undefined>): Promise<SetupOutcome> {
  const { UserSettings } = await import('../adapters/user-settings.js');
  const setup = await import('../engine/setup.js');
  const { runSetupPrompt } = await loadUi(() => import('../ui/setup/run-setup-prompt.js'));
  const deps = { settings: UserSettings.open(), env: process.env };
  return runSetupPrompt(
    {
      choices: setup.setupChoices(project, deps.settings),
      environment,
      defaultsFor: (name) => setup.setupDefaults(project, name, deps),
      check: (name, fields, password) => setup.checkConnection(name, fields, password, setup.connectTimeoutOf(project, name, vars)),
      save: (name, fields, password) => setup.saveProfile(project, name, fields, password, deps),
    },
    { stdin: process.stdin, stdout: process.stderr },
  );
}

/**
 * For a command that needs an environment with no connection: `data setup`
 * for it, one environment at a time (status asks for several at once).
 */
export function terminalConnectionSetup(vars: Record<string, string | undefined>): (project: Project, environment: string) => Promise<boolean> {
  let queue: Promise<unknown> = Promise.resolve();
  return (project, environment) => {
    const turn = queue.then(async () => {
      process.stderr.write(`environment ${environment} has no connection yet: starting \`data setup ${environment}\` (Esc cancels)\n`);
      return (await setUpInTerminal(project, environment, vars)).status === 'saved';
    });
    queue = turn.catch(() => undefined);
    return turn;
  };
}

export function renderProfiles(project: string, profiles: ProfileListing[], unconnected: string[]): string {
  const lines: string[] = [];
  if (profiles.length === 0) lines.push(`no connection profiles for project ${project} yet: run \`data setup\``);
  else {
    lines.push(table([['ENVIRONMENT', 'CONNECTION', 'SSLMODE', 'PASSWORD'], ...profiles.map((item) => [item.environment, item.connection, item.sslmode, item.passwordLocation])]));
    for (const item of profiles.filter((listing) => listing.shadowed)) {
      lines.push(`${item.environment}: its url in data.config.yaml comes before this profile`);
    }
  }
  if (unconnected.length) lines.push(`no connection yet: ${unconnected.join(', ')} (run \`data setup <env>\`)`);
  return lines.join('\n');
}

export function registerSetup(program: Command) {
  program
    .command('setup [env]')
    .description('guided connection profile of an environment (host, port, database, user, password, sslmode), tested live before it is saved; the password goes to the OS keyring or ~/.pgpass')
    .option('--list', 'the profiles of this project, and where each password is (never the password)')
    .option('--remove <env>', "remove an environment's profile and its stored password")
    .option('--yes', 'no questions (--list and --remove never ask)')
    .option('--json', 'with --list or --remove: print the result as JSON')
    .action((env: string | undefined, options: { list?: boolean; remove?: string }, command: Command) =>
      execute(command, async (context, output) => {
        if ([env !== undefined, options.list, options.remove !== undefined].filter(Boolean).length > 1) {
          throw usageError('give one of: an environment, --list, --remove <env>', { fix: 'data setup [env] | data setup --list | data setup --remove <env>' });
        }
        const { loadProject } = await import('../engine/project.js');
        const project = await loadProject(context);
        const known = (name: string) => {
          if (!project.config.environments.has(name)) {
            throw usageError(`no environment "${name}" in ${project.configFile}`, { fix: `use one of: ${project.config.environmentNames.join(', ')}` });
          }
        };
        if (options.list || options.remove !== undefined) {
          const { UserSettings } = await import('../adapters/user-settings.js');
          const setup = await import('../engine/setup.js');
          const deps = { settings: UserSettings.open(), env: process.env };
          if (options.remove !== undefined) {
            const removed = await setup.removeProfile(project, options.remove, deps);
            if (output.json) output.printJson({ removed });
            else output.print(`removed the profile of ${removed.environment} (${removed.connection}); password: ${removed.password}`);
            return;
          }
          const profiles = await setup.listProfiles(project, deps);
          if (output.json) return output.printJson({ project: project.config.project, settingsFile: deps.settings.path, profiles });
          const unconnected = setup.setupChoices(project, deps.settings).filter((choice) => choice.connection === 'none').map((choice) => choice.name);
          output.print(renderProfiles(project.config.project, profiles, unconnected));
          return;
        }
        if (env !== undefined) known(env);
        if (!context.interaction.interactive) {
          throw usageError('data setup asks its questions in a terminal, and this is not one (or --json, or CI is set)', {
            fix: 'run it in a terminal; in scripts give the connection as url: ${VAR} in data.config.yaml, --url or DATABASE_URL',
          });
        }
        const outcome = await setUpInTerminal(project, env, context.vars);
        return outcome.status === 'saved' ? 0 : 1;
      }),
    );
}
