import { loadModule } from 'libpg-query';

let loading: Promise<void> | undefined;

/** Loads the PostgreSQL parser (WebAssembly) once per process. */
export function loadSqlParser(): Promise<void> {
  loading ??= loadModule();
  return loading;
}
