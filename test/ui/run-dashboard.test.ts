import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runDashboard } from '../../source/ui/run-dashboard.js';
import { databasesForFile } from '../helpers/database.js';
import { contextFor, makeProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait.js';

const newDatabase = databasesForFile();

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 35;
  written = '';
  write = (chunk: string) => {
    this.written += chunk;
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  write(data: string) {
    this.pending = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = () => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const ENTER = '\x1b[?1049h';
const LEAVE = '\x1b[?1049l';

async function project() {
  return makeProject({ url: (await newDatabase()).url });
}

describe('runDashboard', () => {
  it('draws on the alternate screen and leaves it on q', async () => {
    const stdout = new FakeStdout();
    const stdin = new FakeStdin();
    const running = runDashboard({ context: contextFor(await project()), stdout: stdout as never, stdin: stdin as never, patchConsole: false });
    await waitFor(async () => stdout.written.includes('1 Environments'), 'the first frame');
    expect(stdout.written.startsWith(ENTER)).toBe(true);
    expect(stdout.written).not.toContain(LEAVE);
    stdin.write('q');
    await running;
    expect(stdout.written.lastIndexOf(LEAVE)).toBeGreaterThan(stdout.written.lastIndexOf('1 Environments'));
  });

  it('leaves the alternate screen on an uncaught error in a pane, and hands the error to its caller', async () => {
    const stdout = new FakeStdout();
    const stdin = new FakeStdin();
    const context = contextFor(await project());
    let calls = 0;
    // Failure injection through the clock: the environments pane reads it while drawing.
    const clock = () => {
      if (++calls > 3) throw new Error('clock fell over');
      return new Date();
    };
    const result = await runDashboard({ context: { ...context, clock }, stdout: stdout as never, stdin: stdin as never, patchConsole: false }).then(
      () => null,
      (error: Error) => error,
    );
    expect(result?.message).toBe('clock fell over');
    expect(stdout.written.startsWith(ENTER)).toBe(true);
    expect(stdout.written.endsWith(LEAVE)).toBe(true);
  });
});
