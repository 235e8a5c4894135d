import { describe, expect, it } from 'vitest';
import {
  DataError,
  ExitCode,
  formatError,
  isDataError,
  operationError,
  refusal,
  usageError,
} from '../../source/domain/errors.js';

describe('exit codes', () => {
  it('are the ones of DESIGN.md section 4', () => {
    expect(ExitCode).toEqual({ ok: 0, failed: 1, usage: 2, refused: 3 });
  });

  it.each([
    ['usageError', usageError, 2],
    ['operationError', operationError, 1],
    ['refusal', refusal, 3],
  ] as const)('%s makes a DataError with exit code %i', (_name, make, code) => {
    const error = make('something happened', { where: 'data.config.yaml:3', fix: 'do this' });
    expect(error).toBeInstanceOf(DataError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DataError');
    expect(error.exitCode).toBe(code);
    expect(error.message).toBe('something happened');
    expect(error.where).toBe('data.config.yaml:3');
    expect(error.fix).toBe('do this');
  });
});

describe('DataError', () => {
  it('keeps its cause', () => {
    const cause = new Error('connection refused');
    expect(operationError('cannot reach prod', { cause }).cause).toBe(cause);
  });

  it('has no cause, where or fix unless given', () => {
    const error = usageError('bad');
    expect(error.cause).toBeUndefined();
    expect(error.where).toBeUndefined();
    expect(error.fix).toBeUndefined();
  });
});

describe('isDataError', () => {
  it('tells DataErrors from other errors and values', () => {
    expect(isDataError(refusal('no'))).toBe(true);
    expect(isDataError(new Error('no'))).toBe(false);
    expect(isDataError('no')).toBe(false);
    expect(isDataError(null)).toBe(false);
  });
});

describe('formatError', () => {
  it('writes where, what and the fix', () => {
    const error = usageError('unknown key environments.prod.urll', {
      where: 'data.config.yaml:7',
      fix: 'did you mean "url"?',
    });
    expect(formatError(error)).toBe('data.config.yaml:7: unknown key environments.prod.urll\n  fix: did you mean "url"?');
  });

  it('writes only the message when there is no where and no fix', () => {
    expect(formatError(operationError('migration failed'))).toBe('migration failed');
  });

  it('writes where without a fix and a fix without where', () => {
    expect(formatError(usageError('bad', { where: 'migrations' }))).toBe('migrations: bad');
    expect(formatError(usageError('bad', { fix: 'rename it' }))).toBe('bad\n  fix: rename it');
  });
});
