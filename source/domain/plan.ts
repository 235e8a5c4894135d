import type { Migration } from './migrations.js';
import { compareVersions } from './migrations.js';

/** A row of data_meta.migrations. */
export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  appliedAt: Date;
  executionMs: number;
  deploymentId: number;
}

export interface Drift {
  version: string;
  reason: string;
}

export interface MigrationState {
  applied: AppliedMigration[];
  pending: Migration[];
  drift: Drift[];
}

/**
 * Compares the migrations on disk with the ones a database has applied:
 * what is pending, and what drifted (an applied file that changed or vanished).
 */
export function compareMigrations(migrations: Migration[], applied: AppliedMigration[]): MigrationState {
  const onDisk = new Map(migrations.map((migration) => [migration.version, migration]));
  const appliedVersions = new Set(applied.map((row) => row.version));
  const drift: Drift[] = [];
  for (const row of applied) {
    const migration = onDisk.get(row.version);
    if (!migration) {
      drift.push({
        version: row.version,
        reason: `applied (${row.version}_${row.name}) but no migration file with this version is here`,
      });
    } else if (migration.checksum !== row.checksum) {
      drift.push({
        version: row.version,
        reason: `${migration.up.file} changed after it was applied (checksum ${row.checksum.slice(0, 12)} applied, ${migration.checksum.slice(0, 12)} on disk)`,
      });
    }
  }
  return {
    applied: [...applied].sort((a, b) => compareVersions(a.version, b.version)),
    pending: migrations.filter((migration) => !appliedVersions.has(migration.version)),
    drift: drift.sort((a, b) => compareVersions(a.version, b.version)),
  };
}
