/** Exit codes, DESIGN.md section 4. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  refused: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** Where it happened: a file and line, a key path, an environment. */
  where?: string;
  /** What the user can do about it. */
  fix?: string;
  cause?: unknown;
}

/** An error a user can act on: what failed, where, and what to do. */
export class DataError extends Error {
  readonly exitCode: ExitCode;
  readonly where?: string;
  readonly fix?: string;

  constructor(exitCode: ExitCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DataError';
    this.exitCode = exitCode;
    this.where = details.where;
    this.fix = details.fix;
  }
}

/** Bad usage or bad configuration: exit 2. */
export const usageError = (message: string, details?: ErrorDetails) =>
  new DataError(ExitCode.usage, message, details);

/** The operation failed and nothing was left half-done: exit 1. */
export const operationError = (message: string, details?: ErrorDetails) =>
  new DataError(ExitCode.failed, message, details);

/** Refused by a safety rule or a missing confirmation: exit 3. */
export const refusal = (message: string, details?: ErrorDetails) =>
  new DataError(ExitCode.refused, message, details);

export const isDataError = (error: unknown): error is DataError => error instanceof DataError;

/** One paragraph: where, what, and the fix. */
export function formatError(error: DataError): string {
  const where = error.where ? `${error.where}: ` : '';
  const fix = error.fix ? `\n  fix: ${error.fix}` : '';
  return `${where}${error.message}${fix}`;
}
