import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

export const adminUrl = () => inject('adminUrl');

/** The admin URL pointed at another database. */
export function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, values?: unknown[], database = 'postgres') {
  const client = new pg.Client({ connectionString: urlFor(database) });
  await client.connect();
  try {
    return await client.query<T>(sql, values);
  } finally {
    await client.end();
  }
}

export async function createDatabase(prefix = 'data_test'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { name, url: urlFor(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/** Rows of a query against a test database. */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, values?: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Databases made by a test file, dropped after it. */
export function databasesForFile() {
  const made: string[] = [];
  afterAll(async () => {
    for (const name of made) await dropDatabase(name);
  });
  return async () => {
    const database = await createDatabase();
    made.push(database.name);
    return database;
  };
}

