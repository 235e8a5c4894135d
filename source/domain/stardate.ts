const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Day of the year, 1-based, in UTC. */
export function dayOfYear(date: Date): number {
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.floor((date.getTime() - start) / 86_400_000) + 1;
}

/** `<YYYY>.<DDD>.<HHMM>` in UTC. */
export function stardate(date: Date): string {
  return `${date.getUTCFullYear()}.${pad(dayOfYear(date), 3)}.${pad(date.getUTCHours(), 2)}${pad(date.getUTCMinutes(), 2)}`;
}

/**
 * The tag for a deployment: `data/<env>/stardate-<YYYY>.<DDD>.<HHMM>`, with
 * `-2`, `-3` ... when that name is taken.
 */
export function stardateTag(environment: string, date: Date, taken: (name: string) => boolean): string {
  const base = `data/${environment}/stardate-${stardate(date)}`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base}-${n}`;
    if (!taken(name)) return name;
  }
}
