// How far a YAML document's aliases expand it. A "billion laughs" file nests
// aliases of aliases (9 × 9 × 9 … copies) so that a few hundred bytes become
// gigabytes once read into objects. We count the values each alias stands for
// before anything is read, in one pass (each anchor's size is known by the time
// an alias names it: YAML anchors come before their aliases).
import { isAlias, isMap, isPair, isSeq, type Document, type Node } from 'yaml';

/** Values that aliases may add to a setup or config file when it is read (far above any hand-written file). */
export const MAX_ALIAS_VALUES = 200_000;

/** The first alias at which the values added through aliases pass `limit`, or null when they stay below it. */
export function aliasBomb(doc: Document, limit = MAX_ALIAS_VALUES): { alias: Node; values: number } | null {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let added = 0;
  let first: Node | null = null;
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 1;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      // An alias of its own enclosing node (a cycle) or of a missing anchor: the parser reports it.
      const n = target === undefined || open.has(target) ? 1 : (sizes.get(target) ?? 1);
      added = Math.min(Number.MAX_VALUE, added + n);
      if (first === null && added > limit) first = node;
      return n;
    }
    const n = node as Node;
    // Only anchored nodes are remembered (an alias can name nothing else): no map entry per value.
    const anchored = Boolean(n.anchor);
    if (anchored) {
      anchors.set(n.anchor!, n);
      open.add(n);
    }
    let total = 1;
    if (isMap(n) || isSeq(n)) {
      for (const item of n.items as unknown[]) {
        if (isPair(item)) total += size(item.key) + size(item.value);
        else total += size(item);
      }
    }
    total = Math.min(Number.MAX_VALUE, total);
    if (anchored) {
      open.delete(n);
      sizes.set(n, total);
    }
    return total;
  };
  size(doc.contents);
  return first === null ? null : { alias: first, values: added };
}
