import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, YAMLParseError } from 'yaml';
import { usageError } from '../domain/errors.js';
import { PERSONAS, validateCatalogue, type PersonaCatalogue, type PersonaName } from '../domain/personas.js';

/** The package's themes/ folder: next to dist/ once built, next to source/ in a checkout. */
export const THEMES_DIR = fileURLToPath(new URL('../../themes/', import.meta.url));

export const themeFile = (name: PersonaName, dir = THEMES_DIR) => join(dir, `${name}.yaml`);

/** One persona's file, parsed and validated; without data's fallback. */
export async function loadCatalogue(name: PersonaName, dir = THEMES_DIR): Promise<PersonaCatalogue> {
  const file = themeFile(name, dir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw usageError(`the persona file ${file} is missing`, { fix: 'reinstall data: its themes/ folder ships with the package' });
  }
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true });
  } catch (error) {
    const line = error instanceof YAMLParseError ? error.linePos?.[0]?.line : undefined;
    throw usageError(`the persona file is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { where: line ? `${file}:${line}` : file });
  }
  return validateCatalogue(name, raw, file);
}

/** A persona ready to speak: its catalogue, with data's for the keys it leaves out. */
export async function loadPersona(name: PersonaName, dir = THEMES_DIR): Promise<PersonaCatalogue> {
  const data = await loadCatalogue('data', dir);
  if (name === 'data') return data;
  return { ...(await loadCatalogue(name, dir)), fallback: data };
}

/** Every persona, each with data's fallback. */
export async function loadAllPersonas(dir = THEMES_DIR): Promise<Record<PersonaName, PersonaCatalogue>> {
  const data = await loadCatalogue('data', dir);
  const entries = await Promise.all(
    PERSONAS.map(async (name) => [name, name === 'data' ? data : { ...(await loadCatalogue(name, dir)), fallback: data }] as const),
  );
  return Object.fromEntries(entries) as Record<PersonaName, PersonaCatalogue>;
}
