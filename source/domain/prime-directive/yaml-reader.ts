import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { nearest } from '../config.js';
import { usageError, type DataError } from '../errors.js';

/** Reads values out of a parsed YAML document; every error names the file, the key path and the line. */
export class YamlReader {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  error(line: number, message: string, fix?: string): DataError {
    return usageError(message, { where: `${this.file}:${line}`, fix });
  }

  lineOf(node: Node | null | undefined, fallback: number): number {
    return node?.range ? this.lines.linePos(node.range[0]).line : fallback;
  }

  /** The entries of a mapping with the lines of their keys; a key outside `known` is an error with a suggestion. */
  entries(map: YAMLMap, path: string, known: readonly string[], what = 'key'): Array<{ key: string; value: Node | null; line: number }> {
    return map.items.map((pair: Pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const line = this.lineOf(pair.key as Node, 1);
      const fullPath = path ? `${path}.${key}` : key;
      if (!known.includes(key)) {
        const guess = nearest(key, known);
        throw this.error(
          line,
          `unknown ${what} ${fullPath}`,
          `${guess ? `did you mean "${guess}"? ` : ''}known ${what}s${path && what === 'key' ? ` of ${path}` : ''}: ${known.join(', ')}`,
        );
      }
      return { key, value: (pair.value as Node | null) ?? null, line };
    });
  }

  string(node: Node | null, path: string, line: number, example: string): string {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' || value.trim() === '') throw this.error(line, `${path} must be a non-empty string`, `for example ${example}; got ${describe(node)}`);
    return value.trim();
  }

  boolean(node: Node | null, path: string, line: number): boolean {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value === 'boolean') return value;
    const hint = typeof value === 'string' && /^(on|off|yes|no)$/i.test(value) ? `write ${/^(on|yes)$/i.test(value) ? 'true' : 'false'} instead of ${value}` : `got ${describe(node)}`;
    throw this.error(line, `${path} must be true or false`, hint);
  }

  sequence(node: Node | null, path: string, line: number, example: string): YAMLSeq {
    if (!isSeq(node) || node.items.length === 0) throw this.error(line, `${path} must be a non-empty list`, `for example ${example}; got ${describe(node)}`);
    return node;
  }

  mapping(node: Node | null, path: string, line: number, example: string): YAMLMap {
    if (!isMap(node)) throw this.error(line, `${path} must be a mapping`, `for example ${example}; got ${describe(node)}`);
    return node;
  }
}

/** A short description of what was found instead, for messages. */
export function describe(node: Node | null): string {
  if (node === null || (isScalar(node) && node.value === null)) return 'nothing';
  if (isScalar(node)) return JSON.stringify(node.value);
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  return 'something else';
}
