import type { Node } from 'libpg-query';

// Reading the PostgreSQL parser's trees (libpg-query's JSON): the helpers the
// lint rules, the live checks and the schema changes share.

type KeysOf<U> = U extends unknown ? keyof U : never;
/** 'CreateStmt', 'ColumnDef', 'FuncCall' ... */
export type NodeType = KeysOf<Node>;
export type NodeBody<K extends NodeType> = Extract<Node, Record<K, unknown>>[K];

/** The node's body when it is of that type: bodyOf(node, 'TypeName'). */
export function bodyOf<K extends NodeType>(node: unknown, type: K): NodeBody<K> | undefined {
  return node && typeof node === 'object' && type in node ? (node as Record<K, NodeBody<K>>)[type] : undefined;
}

/** The `sval`s of a list of String nodes. */
export function strings(nodes: Node[] | undefined): string[] {
  return (nodes ?? []).flatMap((node) => {
    const value = bodyOf(node, 'String')?.sval;
    return value === undefined ? [] : [value];
  });
}

/**
 * 'app.users', 'users' for 'public.users' (as a migration usually writes it);
 * the last `minimum` parts are never taken for a schema.
 */
export function qualifiedName(parts: Array<string | undefined>, minimum = 1): string {
  const present = parts.filter((part): part is string => Boolean(part));
  return (present.length > minimum && present[0] === 'public' ? present.slice(1) : present).join('.');
}
