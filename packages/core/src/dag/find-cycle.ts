/**
 * Finds one cycle in a directed graph given as `node → nodes it needs`, or null.
 * The cycle is returned as a closed path such as `['a', 'b', 'a']`, starting from the
 * first node (in iteration order) that lies on it, so messages are stable.
 */
export function findCycle(needs: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];

  const visit = (node: string): string[] | null => {
    const seen = state.get(node);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of needs.get(node) ?? []) {
      if (!needs.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };

  for (const node of needs.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}
