import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { SourceLocator } from './parse-result.js';

interface Found {
  readonly offset: number;
  readonly node: unknown;
}

/** A {@link SourceLocator} over a parsed YAML document. */
export function yamlSourceLocator(doc: Document, lineCounter: LineCounter): SourceLocator {
  return {
    locate(path) {
      let node: unknown = doc.contents;
      let offset = startOf(node) ?? 0;
      for (const segment of path) {
        const found = childOf(doc, node, segment, new Set());
        if (!found) break;
        offset = found.offset;
        node = found.node;
      }
      const { line, col } = lineCounter.linePos(offset);
      return { line, column: col };
    },
  };
}

/** Offset where the document's first node starts, or 0 for an empty document. */
export function documentStart(doc: Document): number {
  return startOf(doc.contents) ?? 0;
}

function startOf(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

function childOf(
  doc: Document,
  node: unknown,
  segment: string | number,
  seen: Set<unknown>,
): Found | undefined {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (seen.has(target)) return undefined;
  seen.add(target);
  if (isMap(target)) {
    for (const pair of target.items) {
      if (isScalar(pair.key) && keyText(pair.key.value) === String(segment)) {
        return { offset: startOf(pair.key) ?? startOf(target) ?? 0, node: pair.value };
      }
    }
    // A key brought in by a `<<` merge is written where its anchor was defined.
    for (const pair of target.items) {
      if (!isScalar(pair.key) || !isMergeKey(pair.key.value)) continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const found = childOf(doc, source, segment, seen);
        if (found) return found;
      }
    }
    return undefined;
  }
  if (isSeq(target) && typeof segment === 'number') {
    const item = target.items[segment];
    const offset = startOf(item);
    return offset === undefined ? undefined : { offset, node: item };
  }
  return undefined;
}

function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return undefined;
}

function isMergeKey(value: unknown): boolean {
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}
