import { describe, expect, it } from 'vitest';
import { deploy } from '../../source/engine/deploy.js';
import { createDashboardStore } from '../../source/store/dashboard-store.js';
import { databasesForFile } from '../helpers/database.js';
import { contextFor, makeProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait.js';

const newDatabase = databasesForFile();

async function deployedProject() {
  const project = await makeProject({ url: (await newDatabase()).url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
  await deploy(contextFor(project), 'dev');
  return project;
}

describe('dashboard store', () => {
  it('polls metrics only while the performance pane is visible, one sample per poll', async () => {
    const project = await deployedProject();
    const store = createDashboardStore({ context: contextFor(project), pollMs: 60_000, refreshMs: 60_000 });
    try {
      await store.getState().start();
      await waitFor(async () => store.getState().metrics.points.length === 1, 'the first sample');
      // A single column showing the history: the performance pane is hidden.
      store.getState().setLayout('stacked');
      store.getState().focusPane('history');
      await store.getState().pollMetrics();
      expect(store.getState().metrics.points).toHaveLength(1);
      // A modal hides it too.
      store.getState().focusPane('performance');
      store.getState().openHelp();
      await store.getState().pollMetrics();
      expect(store.getState().metrics.points).toHaveLength(1);
      store.getState().closeModal();
      await waitFor(async () => store.getState().metrics.points.length === 2, 'a sample once the pane shows again');
    } finally {
      await store.getState().stop();
    }
  });

  it('refreshes on its own interval: a deploy from the command line shows up in the environments and the history', async () => {
    const project = await deployedProject();
    const store = createDashboardStore({ context: contextFor(project), pollMs: 60_000, refreshMs: 200 });
    try {
      await store.getState().start();
      const dev = () => store.getState().environments.find((row) => row.name === 'dev');
      expect(dev()?.applied).toEqual(['1']);
      await project.write('migrations/2_b.sql', 'CREATE TABLE b (id int);\n');
      project.commit('add b');
      await deploy(contextFor(project), 'dev');
      await waitFor(async () => dev()?.applied.length === 2, 'the refreshed environment');
      expect(dev()?.lastDeployment?.id).toBe(2);
      // The selected environment's history and timeline follow without a key press.
      await waitFor(async () => store.getState().deployments[0]?.id === 2, 'the refreshed history');
      expect(store.getState().timeline.map((entry) => entry.deployment.id)).toEqual([1, 2]);
    } finally {
      await store.getState().stop();
    }
  });

  it('stop() ends every timer and closes the metrics connection', async () => {
    const project = await deployedProject();
    const store = createDashboardStore({ context: contextFor(project), pollMs: 50, refreshMs: 50 });
    await store.getState().start();
    await waitFor(async () => store.getState().metrics.points.length >= 2, 'two samples');
    await store.getState().stop();
    const points = store.getState().metrics.points.length;
    const loadedAt = store.getState().environmentsLoadedAt;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.getState().metrics.points.length).toBe(points);
    expect(store.getState().environmentsLoadedAt).toBe(loadedAt);
  });
});
