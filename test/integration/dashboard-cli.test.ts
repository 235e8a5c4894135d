import { describe, expect, it } from 'vitest';
import { databasesForFile } from '../helpers/database.js';
import { makeProject, runCli } from '../helpers/project.js';

const newDatabase = databasesForFile();

describe('opening the dashboard from the command line', () => {
  it('data dashboard without a terminal says so and exits 2', async () => {
    const project = await makeProject({ url: (await newDatabase()).url });
    const result = await runCli(['dashboard'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the dashboard needs a terminal (stdin and stdout are not a TTY)');
    expect(result.stderr).toContain('data status');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('data alone without a terminal prints the help', async () => {
    const project = await makeProject({ url: (await newDatabase()).url });
    const result = await runCli([], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: data');
    expect(result.stdout).toContain('dashboard [options] [env]');
  });

  it('names an unknown environment and a bad --poll', async () => {
    const project = await makeProject({ url: (await newDatabase()).url });
    const unknown = await runCli(['dashboard', 'nowhere'], { cwd: project.dir, env: project.vars });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no environment "nowhere"');
    expect(unknown.stderr).toContain('use one of: dev, prod');
    const poll = await runCli(['dashboard', '--poll', '10'], { cwd: project.dir, env: project.vars });
    expect(poll.code).toBe(2);
    expect(poll.stderr).toContain('--poll must be a duration of at least 200ms');
  });
});
