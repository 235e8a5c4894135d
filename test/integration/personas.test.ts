import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAllPersonas } from '../../source/adapters/themes.js';
import { PERSONAS, type MessageKey, type PersonaCatalogue, type PersonaName } from '../../source/domain/personas.js';
import { databasesForFile, query } from '../helpers/database.js';
import { CLI, DEFAULT_CONFIG, makeProject, runCli, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

const MIGRATIONS = {
  '001_create_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);\n',
  '001_create_users.down.sql': 'DROP TABLE users;\n',
  '002_create_tags.sql': 'CREATE TABLE tags (name text PRIMARY KEY);\n',
  '002_create_tags.down.sql': 'DROP TABLE tags;\n',
};

let personas: Record<PersonaName, PersonaCatalogue>;
const settingsDirs: string[] = [];
beforeAll(async () => {
  personas = await loadAllPersonas();
});
afterAll(async () => {
  for (const dir of settingsDirs) await rm(dir, { recursive: true, force: true });
});

/** A settings folder of the test's own, so no other test file's settings get in the way. */
async function settingsDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'data-persona-settings-'));
  settingsDirs.push(dir);
  return dir;
}

/** A template as a pattern: its words exactly, any value for each variable. */
const templatePattern = (template: string) =>
  template.split(/\{\w+\}/).map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?');

/** The line `<Speaker>: <one of the key's variants>` is in the output. */
function says(output: string, persona: PersonaCatalogue, key: MessageKey): boolean {
  const variants = persona.messages[key] ?? persona.fallback!.messages[key]!;
  return variants.some((template) => new RegExp(`${persona.speaker}: ${templatePattern(template)}$`, 'm').test(output));
}

/** Text of any persona that shows in the output: its speaker tag, or a phrase (three words or more) of its catalogue. */
function personaWordsIn(output: string): string[] {
  const found: string[] = [];
  for (const name of PERSONAS) {
    const persona = personas[name];
    if (output.includes(`${persona.speaker}: `)) found.push(`${persona.speaker}: `);
    for (const variants of Object.values(persona.messages)) {
      for (const template of variants!) {
        for (const piece of template.split(/\{\w+\}/).map((text) => text.trim()).filter((text) => text.split(/\s+/).length >= 3)) {
          if (output.includes(piece)) found.push(`${name}: "${piece}"`);
        }
      }
    }
  }
  return found;
}

/** Runs the built CLI in a pseudo-terminal (`script`), as a person at a terminal would; stdout and stderr arrive together. */
async function runInTerminal(args: string[], options: { cwd: string; env: Record<string, string | undefined> }) {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const result = await execa('script', ['-qec', ['node', CLI, ...args].map(quote).join(' '), '/dev/null'], {
    cwd: options.cwd,
    reject: false,
    stdin: 'ignore',
    env: { DATABASE_URL: undefined, CI: undefined, NO_COLOR: undefined, ...options.env },
  });
  // Spinner frames and colours aside, the text as a person reads it.
  const output = String(result.stdout).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n').replace(/\r/g, '\n');
  return { code: result.exitCode ?? -1, output };
}

interface Scenario {
  project: TestProject;
  /** stdout and stderr of every run, in order. */
  transcript: string[];
  codes: number[];
}

/**
 * A project's life through the CLI with the given extra flags: deploy, deploy
 * again (nothing to do), plan, a failing deploy, a rollback, lint with
 * errors and without, a deploy, drift in status, and a deploy refused for the drift.
 */
async function liveThrough(flags: string[]): Promise<Scenario> {
  const url = (await newDatabase()).url;
  const project = await makeProject({ url, migrations: MIGRATIONS });
  const env = { ...project.vars, DATA_SETTINGS_DIR: await settingsDir() };
  const scenario: Scenario = { project, transcript: [], codes: [] };
  const run = async (...args: string[]) => {
    const result = await runCli([...args, ...flags], { cwd: project.dir, env });
    scenario.transcript.push(`$ data ${args.join(' ')}\n${result.stdout}${result.stderr}`);
    scenario.codes.push(result.code);
    return result;
  };
  await run('deploy', 'dev');
  await run('deploy', 'dev');
  await project.write('migrations/003_add_login.sql', 'ALTER TABLE users ADD COLUMN login text;\nUPDATE users SET login = nickname;\n');
  project.commit('add login');
  await run('plan', 'dev');
  await run('deploy', 'dev');
  await project.remove('migrations/003_add_login.sql');
  project.commit('drop login');
  await run('rollback', 'dev');
  await project.write('scratch/risky.sql', 'ALTER TABLE users ADD COLUMN created timestamp NOT NULL;\n');
  await run('lint', 'scratch/risky.sql');
  await run('lint');
  await run('deploy', 'dev');
  await project.write('migrations/001_create_users.sql', 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n');
  project.commit('edit an applied migration');
  await run('status', 'dev');
  await run('deploy', 'dev');
  return scenario;
}

describe('--persona kirk', () => {
  let scenario: Scenario;
  let output: string;
  beforeAll(async () => {
    scenario = await liveThrough(['--persona', 'kirk']);
    output = scenario.transcript.join('\n');
  });

  it('says Kirk\'s line after the facts of each main event, even though the output is not a terminal', () => {
    const kirk = personas.kirk;
    expect(scenario.codes).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 0, 3]);
    for (const key of ['deploy.start', 'deploy.success', 'nothing_to_deploy', 'plan.safe', 'deploy.failure', 'rollback.start', 'rollback.success', 'lint.errors', 'lint.clean', 'drift.found', 'refused'] as const) {
      expect(says(output, kirk, key), `Kirk's ${key} in:\n${output}`).toBe(true);
    }
  });

  it('keeps every factual line', () => {
    const [first, again, , failed, rolledBack] = scenario.transcript;
    expect(first).toMatch(/deploy #1 to dev: 2 migration\(s\)/);
    expect(first).toMatch(/deploy #1 succeeded in \S+/);
    expect(first).toMatch(/^\[\s*\S+\] Kirk: /m);
    expect(again).toContain('dev: nothing to deploy, every migration is applied');
    expect(failed).toMatch(/FAILED {2}003_add_login/);
    expect(failed).toContain('data: deployment #2 to dev failed');
    expect(rolledBack).toContain('dev: reverted 2 migration(s) of deployment(s) #1');
    expect(scenario.transcript[8]).toContain('drift in 001');
    expect(scenario.transcript[9]).toContain('environment dev: drifted: ');
  });

  it('the same event reads the same every time: the variant follows the deployment', async () => {
    const again = await liveThrough(['--persona', 'kirk']);
    expect(again.transcript[0]!.match(/Kirk: .*/g)).toEqual(scenario.transcript[0]!.match(/Kirk: .*/g));
  });

  it('never speaks in --json runs: stdout is the one JSON document, stderr has no persona line', async () => {
    const url = (await newDatabase()).url;
    const project = await makeProject({ url, migrations: MIGRATIONS });
    const result = await runCli(['deploy', 'dev', '--json', '--persona', 'kirk'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).deployment.status).toBe('succeeded');
    expect(personaWordsIn(result.stdout + result.stderr)).toEqual([]);
  });

  it('records the persona that spoke on the deployment row, and none in plain mode', async () => {
    const url = (await newDatabase()).url;
    const project = await makeProject({ url, migrations: MIGRATIONS });
    expect((await runCli(['deploy', 'dev', '--persona', 'kirk'], { cwd: project.dir, env: project.vars })).code).toBe(0);
    await project.write('migrations/003_t.sql', 'CREATE TABLE t (id int);\n');
    project.commit('t');
    expect((await runCli(['deploy', 'dev', '--persona', 'none'], { cwd: project.dir, env: project.vars })).code).toBe(0);
    expect(await query(url, 'SELECT persona FROM data_meta.deployments ORDER BY id')).toEqual([{ persona: 'kirk' }, { persona: null }]);
  });

  it('rejects an unknown persona as bad usage', async () => {
    const result = await runCli(['status', '--persona', 'spock'], { cwd: tmpdir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('choose one of data, picard, kirk, janeway, sisko, none, not "spock"');
  });
});

describe('plain mode', () => {
  it.each([
    ['--persona none', ['--persona', 'none']],
    ['output that is not a terminal', []],
  ])('%s: the same run has no persona words from any catalogue', async (_, flags) => {
    const scenario = await liveThrough(flags);
    const output = scenario.transcript.join('\n');
    expect(scenario.codes).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 0, 3]);
    expect(output).toContain('deploy #1 succeeded');
    expect(personaWordsIn(output)).toEqual([]);
  });
});

describe('choosing a persona', () => {
  let project: TestProject;
  let settings: string;
  beforeEach(async () => {
    const url = (await newDatabase()).url;
    project = await makeProject({ url, migrations: MIGRATIONS, config: `persona: janeway\n${DEFAULT_CONFIG}` });
    settings = await settingsDir();
  });
  const env = () => ({ ...project.vars, DATA_SETTINGS_DIR: settings });

  it('data config --personality picard saves it in the settings file (0600); a later run in a terminal speaks as Picard', async () => {
    const saved = await runCli(['config', '--personality', 'picard'], { cwd: project.dir, env: env() });
    expect(saved.code).toBe(0);
    const file = join(settings, 'settings.json');
    expect(saved.stdout).toBe(`personality set to picard in ${file}`);
    expect(JSON.parse(await readFile(file, 'utf8')).personality).toBe('picard');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const shown = await runCli(['config'], { cwd: project.dir, env: env() });
    expect(shown.stdout).toMatch(/^personality\s+picard$/m);
    expect(shown.stdout).toMatch(/^persona\s+picard \(your setting\)/m);
    expect(shown.stdout).toContain(file);
    const json = JSON.parse((await runCli(['config', '--json'], { cwd: project.dir, env: env() })).stdout);
    expect(json).toMatchObject({ settings: { path: file, personality: 'picard' }, persona: { name: 'picard', source: 'user' } });

    // The user's personality wins over the project's persona: janeway.
    const deployed = await runInTerminal(['deploy', 'dev'], { cwd: project.dir, env: env() });
    expect(deployed.code).toBe(0);
    expect(deployed.output).toContain('deploy #1 succeeded');
    expect(says(deployed.output, personas.picard, 'deploy.start')).toBe(true);
    expect(says(deployed.output, personas.picard, 'deploy.success')).toBe(true);
    expect(deployed.output).not.toContain('Janeway: ');
  });

  it('in a terminal: the project\'s persona: without a user setting; plain with NO_COLOR, --persona none or a user\'s none', async () => {
    const first = await runInTerminal(['deploy', 'dev'], { cwd: project.dir, env: env() });
    expect(first.code).toBe(0);
    expect(says(first.output, personas.janeway, 'deploy.success')).toBe(true);

    const noColor = await runInTerminal(['deploy', 'dev'], { cwd: project.dir, env: { ...env(), NO_COLOR: '1' } });
    expect(noColor.output).toContain('dev: nothing to deploy');
    expect(personaWordsIn(noColor.output)).toEqual([]);

    const none = await runInTerminal(['deploy', 'dev', '--persona', 'none'], { cwd: project.dir, env: env() });
    expect(none.output).toContain('dev: nothing to deploy');
    expect(personaWordsIn(none.output)).toEqual([]);

    await runCli(['config', '--personality', 'none'], { cwd: project.dir, env: env() });
    const userNone = await runInTerminal(['deploy', 'dev'], { cwd: project.dir, env: env() });
    expect(userNone.output).toContain('dev: nothing to deploy');
    expect(personaWordsIn(userNone.output)).toEqual([]);

    const flag = await runInTerminal(['deploy', 'dev', '--persona', 'sisko'], { cwd: project.dir, env: env() });
    expect(says(flag.output, personas.sisko, 'nothing_to_deploy')).toBe(true);
  });

  it('a broken personality in the settings file is a note, never a failed command', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(settings, 'settings.json'), JSON.stringify({ version: 1, personality: 'spock', profiles: {}, achievements: { unlocked: {}, announced: [] } }));
    const result = await runInTerminal(['deploy', 'dev'], { cwd: project.dir, env: env() });
    expect(result.code).toBe(0);
    expect(result.output).toContain('data: note: no persona for this run:');
    expect(result.output).toContain('personality "spock", which is not a persona');
    expect(result.output).toContain('deploy #1 succeeded');
  });
});
