import { describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../source/adapters/sql-parser.js';
import type { Deployment } from '../../source/domain/deployment.js';
import { discoverMigrations } from '../../source/domain/migrations.js';
import { formatChange } from '../../source/domain/schema-changes.js';
import { timelineEntry } from '../../source/engine/timeline.js';

await loadSqlParser();

const migrations = new Map(
  discoverMigrations('migrations', [
    { name: '1_items.sql', content: 'CREATE TABLE items (id int, name text);\n' },
    { name: '1_items.down.sql', content: 'DROP TABLE items;\n' },
    { name: '2_index.sql', content: '-- data:no-transaction\nCREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n' },
    { name: '2_index.down.sql', content: '-- data:no-transaction\nDROP INDEX CONCURRENTLY items_name_idx;\n' },
  ]).map((migration) => [migration.version, migration]),
);

const deployment = (overrides: Partial<Deployment>): Deployment => ({
  id: 1, environment: 'dev', kind: 'deploy', status: 'succeeded', gitSha: null, gitTag: null, operator: 'ada',
  startedAt: new Date('2026-11-23T10:00:00Z'), finishedAt: new Date('2026-11-23T10:00:01Z'), migrations: ['1', '2'],
  reverts: [], persona: null, justification: null, error: null, ...overrides,
});

const changes = (d: Deployment) => timelineEntry(d, migrations).changes.map(formatChange);

describe('the timeline of one deployment', () => {
  it('a succeeded deploy shows what its up files change; a rollback what its down files change', () => {
    expect(changes(deployment({}))).toEqual(['+ table items', '+ index items_name_idx on items (name)']);
    expect(changes(deployment({ kind: 'rollback', migrations: ['2', '1'] }))).toEqual(['- index items_name_idx', '- table items']);
  });

  it('a failed one shows only what it committed before the failure', () => {
    const failed = { message: 'boom', migration: '2_index' };
    expect(changes(deployment({ status: 'failed', error: failed }))).toEqual([]);
    expect(changes(deployment({ status: 'failed', error: { ...failed, committed: ['1'] } }))).toEqual(['+ table items']);
    expect(changes(deployment({ kind: 'rollback', status: 'failed', migrations: ['2', '1'], error: { message: 'boom', migration: '1_items', committed: ['2'] } }))).toEqual(['- index items_name_idx']);
    expect(changes(deployment({ status: 'running' }))).toEqual([]);
  });
});
