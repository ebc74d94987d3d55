import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { SourceLocator } from './parse-result.js';

interface Found {
  readonly offset: number;
  readonly node: unknown;
}

/** Each mapping's pairs by key text, built on first use so that lookups stay cheap. */
type KeyIndex = WeakMap<YAMLMap, Map<string, Pair>>;

/** A {@link SourceLocator} over a parsed YAML document. */
export function yamlSourceLocator(doc: Document, lineCounter: LineCounter): SourceLocator {
  const index: KeyIndex = new WeakMap();
  return {
    locate(path) {
      let node: unknown = doc.contents;
      let offset = startOf(node) ?? 0;
      for (const segment of path) {
        const found = childOf(doc, index, node, segment, new Set());
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
  index: KeyIndex,
  node: unknown,
  segment: string | number,
  seen: Set<unknown>,
): Found | undefined {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (seen.has(target)) return undefined;
  seen.add(target);
  if (isMap(target)) {
    const pair = pairsByKey(index, target).get(String(segment));
    if (pair !== undefined) {
      return { offset: startOf(pair.key) ?? startOf(target) ?? 0, node: pair.value };
    }
    // A key brought in by a `<<` merge is written where its anchor was defined.
    for (const merge of target.items) {
      if (!isScalar(merge.key) || !isMergeKey(merge.key.value)) continue;
      const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
      for (const source of sources) {
        const found = childOf(doc, index, source, segment, seen);
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

function pairsByKey(index: KeyIndex, map: YAMLMap): Map<string, Pair> {
  let pairs = index.get(map);
  if (pairs === undefined) {
    pairs = new Map();
    for (const pair of map.items) {
      const text = isScalar(pair.key) ? keyText(pair.key.value) : undefined;
      if (text !== undefined && !pairs.has(text)) pairs.set(text, pair);
    }
    index.set(map, pairs);
  }
  return pairs;
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
