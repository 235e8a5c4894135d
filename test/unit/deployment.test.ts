import { describe, expect, it } from 'vitest';
import { deploymentRecord, durationMs, type Deployment } from '../../source/domain/deployment.js';

const base: Deployment = {
  id: 7,
  environment: 'prod',
  kind: 'deploy',
  status: 'succeeded',
  gitSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  gitTag: 'data/prod/stardate-2026.326.0930',
  operator: 'picard',
  startedAt: new Date(Date.UTC(2026, 10, 22, 9, 30, 0, 0)),
  finishedAt: new Date(Date.UTC(2026, 10, 22, 9, 30, 1, 250)),
  migrations: ['20261122093000', '20261122100000'],
  reverts: [],
  persona: 'picard',
  justification: null,
  error: null,
};

describe('durationMs', () => {
  it('is the time from start to finish', () => {
    expect(durationMs(base)).toBe(1_250);
  });

  it('is null while the deployment has not finished', () => {
    expect(durationMs({ startedAt: base.startedAt, finishedAt: null })).toBeNull();
  });

  it('is 0 for a deployment that finished when it started', () => {
    expect(durationMs({ startedAt: base.startedAt, finishedAt: new Date(base.startedAt) })).toBe(0);
  });
});

describe('deploymentRecord', () => {
  it('is the JSON record of a deployment with ISO times and its duration', () => {
    expect(deploymentRecord(base)).toEqual({
      id: 7,
      environment: 'prod',
      kind: 'deploy',
      status: 'succeeded',
      migrations: ['20261122093000', '20261122100000'],
      gitSha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      gitTag: 'data/prod/stardate-2026.326.0930',
      operator: 'picard',
      startedAt: '2026-11-22T09:30:00.000Z',
      finishedAt: '2026-11-22T09:30:01.250Z',
      durationMs: 1_250,
      reverts: [],
      error: null,
    });
  });

  it('holds the fields DESIGN.md promises for `data deploy --json`', () => {
    const record = deploymentRecord(base);
    for (const key of ['id', 'environment', 'status', 'migrations', 'gitTag', 'durationMs']) {
      expect(record).toHaveProperty(key);
    }
  });

  it('survives a JSON round trip unchanged', () => {
    const record = deploymentRecord(base);
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('has null finish and duration for a running deployment', () => {
    const record = deploymentRecord({ ...base, status: 'running', finishedAt: null, gitTag: null });
    expect(record.finishedAt).toBeNull();
    expect(record.durationMs).toBeNull();
    expect(record.gitTag).toBeNull();
    expect(record).not.toHaveProperty('interrupted');
  });

  it('marks an interrupted deployment, and only then', () => {
    expect(deploymentRecord({ ...base, status: 'running', finishedAt: null, interrupted: true })).toMatchObject({
      interrupted: true,
    });
    expect(deploymentRecord({ ...base, interrupted: false })).not.toHaveProperty('interrupted');
  });

  it('records a rollback with what it reverts and a failed deployment with its error', () => {
    const rollback = deploymentRecord({ ...base, id: 8, kind: 'rollback', reverts: [7, 6] });
    expect(rollback.kind).toBe('rollback');
    expect(rollback.reverts).toEqual([7, 6]);

    const error = { message: 'relation "users" already exists', migration: '20261122093000', statement: 2, line: 14, code: '42P07' };
    const failed = deploymentRecord({ ...base, status: 'failed', gitTag: null, error });
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual(error);
  });
});
