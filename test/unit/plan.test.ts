import { describe, expect, it } from 'vitest';
import { discoverMigrations, sha256, type Migration } from '../../source/domain/migrations.js';
import { compareMigrations, type AppliedMigration } from '../../source/domain/plan.js';

const sqlOf = (version: string) => `CREATE TABLE t${version} (id int);\n`;

/** Migrations on disk, from the real discovery. */
const onDisk = (...specs: Array<[version: string, name: string, sql?: string]>): Migration[] =>
  discoverMigrations(
    'migrations',
    specs.map(([version, name, sql]) => ({ name: `${version}_${name}.sql`, content: sql ?? sqlOf(version) })),
  );

let nextDeployment = 1;
const applied = (version: string, name: string, sql = sqlOf(version)): AppliedMigration => ({
  version,
  name,
  checksum: sha256(sql),
  appliedAt: new Date(Date.UTC(2026, 10, 22, 9, 30, Number(version) % 60)),
  executionMs: 12,
  deploymentId: nextDeployment++,
});

const versions = (list: Array<{ version: string }>) => list.map((m) => m.version);

describe('compareMigrations', () => {
  it('finds everything pending on a fresh database', () => {
    const migrations = onDisk(['1', 'a'], ['2', 'b'], ['3', 'c']);
    const state = compareMigrations(migrations, []);
    expect(state.applied).toEqual([]);
    expect(state.drift).toEqual([]);
    expect(state.pending).toEqual(migrations);
  });

  it('finds nothing pending when everything is applied unchanged', () => {
    const migrations = onDisk(['1', 'a'], ['2', 'b']);
    const rows = [applied('1', 'a'), applied('2', 'b')];
    const state = compareMigrations(migrations, rows);
    expect(state.pending).toEqual([]);
    expect(state.drift).toEqual([]);
    expect(state.applied).toEqual(rows);
  });

  it('finds the migrations after the applied ones pending, in version order', () => {
    const migrations = onDisk(['20261122093000', 'a'], ['20261122100000', 'b'], ['20261123080000', 'c']);
    const state = compareMigrations(migrations, [applied('20261122093000', 'a')]);
    expect(versions(state.pending)).toEqual(['20261122100000', '20261123080000']);
    expect(state.pending.map((m) => m.up.file)).toEqual(['20261122100000_b.sql', '20261123080000_c.sql']);
    expect(state.drift).toEqual([]);
  });

  it('finds an older migration that was never applied pending (out of order)', () => {
    const migrations = onDisk(['1', 'a'], ['2', 'late_branch'], ['3', 'c']);
    const state = compareMigrations(migrations, [applied('1', 'a'), applied('3', 'c')]);
    expect(versions(state.pending)).toEqual(['2']);
    expect(state.drift).toEqual([]);
  });

  it('reports drift for an applied file whose content changed', () => {
    const migrations = onDisk(['1', 'a'], ['2', 'b', 'CREATE TABLE b (id bigint);\n']);
    const row = applied('2', 'b', 'CREATE TABLE b (id int);\n');
    const state = compareMigrations(migrations, [applied('1', 'a'), row]);
    expect(state.pending).toEqual([]);
    expect(state.drift).toHaveLength(1);
    expect(state.drift[0]!.version).toBe('2');
    expect(state.drift[0]!.reason).toBe(
      `2_b.sql changed after it was applied (checksum ${row.checksum.slice(0, 12)} applied, ${sha256('CREATE TABLE b (id bigint);\n').slice(0, 12)} on disk)`,
    );
  });

  it('treats even a one-character change as drift', () => {
    const migrations = onDisk(['1', 'a', 'SELECT 1;\n']);
    const state = compareMigrations(migrations, [applied('1', 'a', 'SELECT 1;')]);
    expect(versions(state.drift)).toEqual(['1']);
  });

  it('reports drift for an applied migration whose file vanished', () => {
    const migrations = onDisk(['1', 'a'], ['3', 'c']);
    const state = compareMigrations(migrations, [applied('1', 'a'), applied('2', 'gone'), applied('3', 'c')]);
    expect(state.pending).toEqual([]);
    expect(state.drift).toEqual([
      { version: '2', reason: 'applied (2_gone) but no migration file with this version is here' },
    ]);
  });

  it('keeps vanished applied rows in the applied list', () => {
    const state = compareMigrations(onDisk(['1', 'a']), [applied('1', 'a'), applied('2', 'gone')]);
    expect(versions(state.applied)).toEqual(['1', '2']);
  });

  it('reports drift and pending together, drift in version order', () => {
    const migrations = onDisk(['1', 'a'], ['2', 'b', 'changed'], ['10', 'j', 'changed too'], ['11', 'k']);
    const state = compareMigrations(migrations, [
      applied('10', 'j'),
      applied('9', 'vanished'),
      applied('2', 'b'),
      applied('1', 'a'),
    ]);
    expect(versions(state.drift)).toEqual(['2', '9', '10']);
    expect(state.drift[1]!.reason).toMatch(/no migration file/);
    expect(state.drift[0]!.reason).toMatch(/^2_b\.sql changed after it was applied/);
    expect(state.drift[2]!.reason).toMatch(/^10_j\.sql changed after it was applied/);
    expect(versions(state.pending)).toEqual(['11']);
  });

  it('sorts the applied rows numerically by version without changing its input', () => {
    const migrations = onDisk(['2', 'b'], ['10', 'j'], ['100', 'h']);
    const rows = [applied('100', 'h'), applied('2', 'b'), applied('10', 'j')];
    const state = compareMigrations(migrations, rows);
    expect(versions(state.applied)).toEqual(['2', '10', '100']);
    expect(versions(rows)).toEqual(['100', '2', '10']);
  });

  it('has no drift for a migration on disk that is not applied yet', () => {
    const state = compareMigrations(onDisk(['1', 'a']), []);
    expect(state.drift).toEqual([]);
  });
});
