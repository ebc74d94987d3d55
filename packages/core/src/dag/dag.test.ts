import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findCycle } from './find-cycle.js';
import { topologicalOrder } from './topological-order.js';

const graph = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

describe('findCycle', () => {
  it('names the path of a cycle', () => {
    expect(findCycle(graph({ a: ['c'], b: ['a'], c: ['b'] }))).toEqual(['a', 'c', 'b', 'a']);
  });

  it('finds a task that needs itself', () => {
    expect(findCycle(graph({ a: ['a'] }))).toEqual(['a', 'a']);
  });

  it('returns null for a DAG', () => {
    expect(findCycle(graph({ a: [], b: ['a'], c: ['a', 'b'] }))).toBeNull();
  });
});

describe('topologicalOrder', () => {
  it('keeps declaration order where the graph allows', () => {
    expect(topologicalOrder(graph({ test: ['build'], lint: [], build: [] }))).toEqual([
      'lint',
      'build',
      'test',
    ]);
  });

  it('puts every node after its needs, for any DAG', () => {
    const dag = fc.integer({ min: 1, max: 60 }).chain((n) =>
      fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
            maxLength: i ? 4 : 0,
          }),
        ),
      ),
    );
    fc.assert(
      fc.property(dag, (parents) => {
        const needs = new Map(parents.map((ps, i) => [`t${i}`, ps.map((p) => `t${p}`)]));
        expect(findCycle(needs)).toBeNull();
        const order = topologicalOrder(needs);
        expect(order).toHaveLength(parents.length);
        const at = new Map(order.map((node, index) => [node, index]));
        for (const [node, deps] of needs) {
          for (const dep of deps) expect(at.get(dep)).toBeLessThan(at.get(node) ?? -1);
        }
      }),
    );
  });
});
