import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploy } from '../../source/engine/deploy.js';
import { rollback } from '../../source/engine/rollback.js';
import { databasesForFile } from '../helpers/database.js';
import { KEYS, renderDashboard } from '../helpers/dashboard.js';
import { contextFor, makeProject, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

describe('the achievements screen (a)', () => {
  let project: TestProject;
  let settingsDir: string;

  beforeEach(async () => {
    project = await makeProject({ url: (await newDatabase()).url });
    settingsDir = await mkdtemp(join(tmpdir(), 'data-achievements-ui-'));
    // The user's settings file of this test: the engine reads DATA_SETTINGS_DIR from the context's variables.
    project.vars.DATA_SETTINGS_DIR = settingsDir;
    const context = contextFor(project);
    await project.write('migrations/1_a.sql', 'CREATE TABLE a (id int);\n');
    await project.write('migrations/1_a.down.sql', 'DROP TABLE a;\n');
    project.commit('add a');
    await deploy(context, 'dev');
    await rollback(context, 'dev', {});
    await deploy(context, 'dev');
  });
  afterEach(async () => {
    await rm(settingsDir, { recursive: true, force: true });
  });

  it('opens with stars for the unlocked ones and progress for the rest; announces them once; Esc closes it', async () => {
    const ui = await renderDashboard({ context: contextFor(project) });
    await ui.waitForFrame('1 Environments', 'dev');
    await ui.press('a');
    const frame = await ui.waitForFrame('Achievements: 3 of', 'First Deployment');
    expect(frame).toMatch(/★ {2}First Deployment\s+"Make it so!"\s+unlocked \d{4}-\d{2}-\d{2}\s+new! first deployment/);
    expect(frame).toMatch(/★ {2}First Rollback\s+"Time Travel Initiate"/);
    expect(frame).toMatch(/Ten Forward\s+"Tea\. Earl Grey\. Hot\."\s+▰▰▱▱▱▱▱▱▱▱ 2\/10/);
    expect(frame).toMatch(/ {3}Deploy on Friday the 13th\s+"Superstition is Illogical"\s+▱+ 0\/1/);
    // Nothing wider than the terminal.
    expect(Math.max(...frame.split('\n').map((line) => [...line].length))).toBeLessThanOrEqual(120);
    // The footer says what was just unlocked; the settings file remembers it was shown.
    expect(frame).toContain('★ achievement unlocked: Make it so! — first deployment');
    const saved = JSON.parse(await readFile(join(settingsDir, 'settings.json'), 'utf8')).achievements;
    expect(saved.announced).toEqual(expect.arrayContaining(['first-deployment', 'first-rollback']));

    await ui.press(KEYS.escape);
    await ui.waitForFrame('1 Environments', '2 History');
    // Opened again: still unlocked, no longer new.
    await ui.press('a');
    const again = await ui.waitForFrame('Achievements: 3 of', 'First Deployment');
    expect(again).toMatch(/★ {2}First Deployment/);
    expect(again).not.toContain('new!');
  });

  it('fits 80x24: the quote column goes, the stars stay; on a shorter terminal j/k scroll', async () => {
    const ui = await renderDashboard({ context: contextFor(project), columns: 80, rows: 24 });
    await ui.waitForFrame('[1 Environments]', 'dev');
    await ui.press('a');
    const frame = await ui.waitForFrame('Achievements: 3 of', '★  First Deployment', 'Continuing Mission');
    expect(frame).not.toContain('"Make it so!"');
    expect(Math.max(...frame.split('\n').map((line) => [...line].length))).toBeLessThanOrEqual(80);
    ui.resize(80, 18);
    await ui.waitForFrame('[j/k] scroll 1-');
    await ui.press('j', 'j', 'j');
    await ui.waitForFrame('[j/k] scroll 4-');
  });
});
