import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** 1-based line and column in the config file, as editors count them. */
export interface Position {
  line: number;
  col: number;
}

/**
 * Where the value at `path` is written (or its key, for an unknown key). When the path is not in the
 * document (a missing field), the nearest enclosing mapping: a missing `secretPath` points at its
 * target. Undefined when not even the top-level section is there.
 */
export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
  at: 'value' | 'key' = 'value',
): Position | undefined {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  let resolved = 0;
  for (const part of path) {
    let next: unknown;
    let nextKey: Node | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      nextKey = pair?.key as Node | undefined;
      next = pair ? (pair.value ?? pair.key) : undefined;
    } else if (isSeq(node) && typeof part === 'number') next = node.items[part];
    if (next === undefined || next === null) break;
    node = next;
    key = nextKey;
    resolved++;
  }
  if (resolved === 0) return undefined;
  const target = resolved === path.length && at === 'key' && key ? key : (node as Node);
  const offset = target.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset);
}
