/** The command palette's language: the command line's words, for the dashboard. */

export type PaletteCommand =
  | { name: 'deploy'; environment: string }
  | { name: 'rollback'; environment: string; steps?: number; to?: string }
  | { name: 'history' | 'timeline' | 'performance' | 'status'; environment?: string }
  | { name: 'refresh' | 'help' | 'quit' };

export const PALETTE_COMMANDS = ['deploy', 'rollback', 'history', 'timeline', 'performance', 'status', 'refresh', 'help', 'quit'] as const;
const NEEDS_ENVIRONMENT = new Set(['deploy', 'rollback']);
const TAKES_ENVIRONMENT = new Set(['deploy', 'rollback', 'history', 'timeline', 'performance', 'status']);

export type PaletteParse = { ok: true; command: PaletteCommand } | { ok: false; message: string };

/** `rollback prod --steps 2` -> a command, or a message saying what is wrong and what would be right. */
export function parsePaletteInput(input: string, environments: readonly string[]): PaletteParse {
  const words = input.trim().split(/\s+/).filter(Boolean);
  const [name, ...rest] = words;
  if (!name) return { ok: false, message: `type a command: ${PALETTE_COMMANDS.join(', ')}` };
  if (!(PALETTE_COMMANDS as readonly string[]).includes(name)) {
    return { ok: false, message: `unknown command "${name}": use one of ${PALETTE_COMMANDS.join(', ')}` };
  }
  const positional: string[] = [];
  let steps: number | undefined;
  let to: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (name === 'rollback' && (word === '--steps' || word === '--to')) {
      const value = rest[++i];
      if (value === undefined) return { ok: false, message: `${word} needs a value: rollback <env> ${word} ${word === '--steps' ? '2' : '<deployment-id|tag>'}` };
      if (word === '--steps') {
        if (!/^\d+$/.test(value) || Number(value) < 1) return { ok: false, message: `--steps must be a whole number of at least 1, not "${value}"` };
        steps = Number(value);
      } else {
        to = value;
      }
    } else if (word.startsWith('--')) {
      return { ok: false, message: `${name} has no option ${word}` };
    } else {
      positional.push(word);
    }
  }
  if (steps !== undefined && to !== undefined) return { ok: false, message: 'use one of --steps or --to, not both' };
  if (positional.length > (TAKES_ENVIRONMENT.has(name) ? 1 : 0)) return { ok: false, message: `too many words for ${name}: ${positional.join(' ')}` };
  const environment = positional[0];
  if (environment !== undefined && !environments.includes(environment)) {
    return { ok: false, message: `no environment "${environment}": this project has ${environments.join(', ')}` };
  }
  if (NEEDS_ENVIRONMENT.has(name) && environment === undefined) return { ok: false, message: `${name} needs an environment: ${name} ${environments.join('|')}` };
  if (name === 'deploy') return { ok: true, command: { name, environment: environment! } };
  if (name === 'rollback') return { ok: true, command: { name, environment: environment!, steps, to } };
  if (TAKES_ENVIRONMENT.has(name)) return { ok: true, command: { name: name as 'history', environment } };
  return { ok: true, command: { name: name as 'refresh' } };
}

/** Candidates for the word being typed: command names first, then environment names. */
export function paletteCompletions(input: string, environments: readonly string[]): string[] {
  const words = input.split(/\s+/);
  const current = words[words.length - 1] ?? '';
  if (words.length <= 1) return PALETTE_COMMANDS.filter((name) => name.startsWith(current));
  if (words.length === 2 && TAKES_ENVIRONMENT.has(words[0]!)) return environments.filter((name) => name.startsWith(current));
  if (words[0] === 'rollback' && current.startsWith('-')) return ['--steps', '--to'].filter((flag) => flag.startsWith(current));
  return [];
}

/** Tab: completes the word being typed to the longest common prefix of its candidates. */
export function completePaletteInput(input: string, environments: readonly string[]): string {
  const candidates = paletteCompletions(input, environments);
  if (candidates.length === 0) return input;
  let prefix = candidates[0]!;
  for (const candidate of candidates) while (!candidate.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const head = input.slice(0, input.length - (input.split(/\s+/).pop() ?? '').length);
  return head + prefix + (candidates.length === 1 ? ' ' : '');
}
