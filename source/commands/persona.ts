import { usageError } from '../domain/errors.js';
import { inCI } from './in-ci.js';
import { choosePersona, isPersonaName, PERSONAS, PLAIN, type PersonaCatalogue, type PersonaChoice, type PersonaName } from '../domain/personas.js';

export interface PersonaRun {
  /** `--persona <name|none>`. */
  flag?: string;
  json: boolean;
  cwd: string;
  configPath?: string;
  env: Record<string, string | undefined>;
  /** stderr, where persona lines go, is a terminal. */
  stderrIsTTY: boolean;
}

/** NO_COLOR counts when set to anything but the empty string (no-color.org). */
export const noColor = (env: Record<string, string | undefined>) => Boolean(env.NO_COLOR);


/** The user's `data config --personality` and the project's `persona:`; a project that does not load has none. */
export async function personaSettings(run: Pick<PersonaRun, 'cwd' | 'configPath' | 'env'>): Promise<{ user?: string; project?: PersonaName; projectName?: string; settingsFile: string }> {
  const { UserSettings } = await import('../adapters/user-settings.js');
  const settings = UserSettings.open(run.env);
  const user = settings.personality;
  if (user !== undefined && user !== PLAIN && !isPersonaName(user)) {
    throw usageError(`your settings file has personality "${user}", which is not a persona`, {
      where: settings.path,
      fix: `data config --personality <${[...PERSONAS, PLAIN].join('|')}>`,
    });
  }
  const { loadProject } = await import('../engine/project.js');
  try {
    const project = await loadProject(run);
    return { user, project: project.config.persona, projectName: project.config.project, settingsFile: settings.path };
  } catch {
    // The command itself reports a missing or broken data.config.yaml.
    return { user, settingsFile: settings.path };
  }
}

/**
 * Which persona speaks in this run, and its catalogue (null: plain mode).
 * Plain runs (--json, --persona none, NO_COLOR, output that is not a
 * terminal) read no settings and no theme files.
 */
export async function selectPersona(run: PersonaRun): Promise<{ choice: PersonaChoice; persona: PersonaCatalogue | null }> {
  const tty = run.stderrIsTTY && !inCI(run.env);
  const base = { flag: run.flag, json: run.json, noColor: noColor(run.env), tty };
  let choice = choosePersona(base);
  if (choice.source === 'default') {
    const { user, project } = await personaSettings(run);
    choice = choosePersona({ ...base, user, project });
  }
  if (choice.persona === null) return { choice, persona: null };
  const { loadPersona } = await import('../adapters/themes.js');
  return { choice, persona: await loadPersona(choice.persona) };
}
