import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { choosePersona, describeChoice, isPersonaName, PERSONAS, PLAIN, type PersonaChoice } from '../domain/personas.js';
import { table } from './output.js';
import { noColor, personaSettings } from './persona.js';
import { execute } from './run.js';

const CHOICES = [...PERSONAS, PLAIN];

function personality(value: string): string {
  if (value !== PLAIN && !isPersonaName(value)) throw new InvalidArgumentError(`choose one of ${CHOICES.join(', ')}, not "${value}"`);
  return value;
}

export function registerConfig(program: Command) {
  program
    .command('config')
    .description('your settings (never secrets): the settings file, your personality, connection profiles; --personality <name> saves one')
    .option('--personality <name>', `your persona in every project: ${CHOICES.join(', ')} (none: plain text)`, personality)
    .option('--json', 'print {"settings":{...},"persona":{...}} on stdout')
    .action((options: { personality?: string }, command: Command) =>
      execute(command, async (context, output, globals) => {
        const { UserSettings } = await import('../adapters/user-settings.js');
        const settings = UserSettings.open(process.env);
        if (options.personality !== undefined) settings.setPersonality(options.personality);
        const { user, project, projectName } = await personaSettings({ cwd: context.cwd, configPath: context.configPath, env: process.env });
        // What a command of this project says in a terminal; plain text wherever plain mode applies.
        const inTerminal = choosePersona({ flag: globals.persona, json: false, noColor: noColor(process.env), tty: true, user, project });
        const profiles = settings.profiles();
        const unlocked = Object.keys(settings.achievements().unlocked).length;

        if (output.json) {
          output.printJson({
            settings: {
              path: settings.path,
              personality: settings.personality ?? null,
              profiles: profiles.map(({ project: name, environment, profile }) => ({ project: name, environment, ...profile })),
              achievements: { unlocked },
            },
            persona: { name: inTerminal.persona, source: inTerminal.source },
          });
          return;
        }
        if (options.personality !== undefined) {
          output.print(`personality set to ${options.personality} in ${settings.path}`);
          if (isPersonaName(options.personality) && output.persona) {
            const { loadPersona } = await import('../adapters/themes.js');
            output.say('greeting', { project: projectName ?? basename(context.cwd) }, options.personality, await loadPersona(options.personality));
          }
          return;
        }
        output.print(renderSettings(settings.path, settings.personality, profiles, unlocked, inTerminal));
      }),
    );
}

function renderSettings(
  path: string,
  personality: string | undefined,
  profiles: Array<{ project: string; environment: string; profile: { host: string; port: number; database: string; user: string; sslmode: string; passwordStore: string } }>,
  unlocked: number,
  persona: PersonaChoice,
): string {
  const rows = [
    ['settings file', `${path} (mode 0600; no passwords are kept in it)`],
    ['personality', personality ?? `not set (data config --personality <${CHOICES.join('|')}>)`],
    ['persona', `${describeChoice(persona)}; plain text with --json, NO_COLOR or output that is not a terminal, unless --persona <name>`],
    ['achievements', `${unlocked} unlocked`],
    ['profiles', profiles.length === 0 ? 'none (data setup)' : String(profiles.length)],
  ];
  const lines = profiles.map(({ project, environment, profile }) =>
    `  ${project}/${environment}  ${profile.user}@${profile.host}:${profile.port}/${profile.database}  sslmode=${profile.sslmode}  password: ${profile.passwordStore === 'none' ? 'none' : `in ${profile.passwordStore}`}`,
  );
  return [table(rows), ...lines].join('\n');
}
