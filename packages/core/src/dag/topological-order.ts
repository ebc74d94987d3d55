/**
 * Orders the nodes so that every node comes after the nodes it needs, keeping the
 * given order wherever the graph allows (Kahn's algorithm, always taking the earliest
 * ready node). Needs that name unknown nodes are ignored; the graph must have no cycle.
 */
export function topologicalOrder(needs: ReadonlyMap<string, readonly string[]>): string[] {
  const nodes = [...needs.keys()];
  const position = new Map(nodes.map((node, index) => [node, index]));
  const waitingOn = new Array<number>(nodes.length).fill(0);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((node, index) => {
    for (const dep of needs.get(node) ?? []) {
      const depIndex = position.get(dep);
      if (depIndex === undefined) continue;
      waitingOn[index] = (waitingOn[index] ?? 0) + 1;
      dependents[depIndex]?.push(index);
    }
  });
  const ready = new MinHeap();
  waitingOn.forEach((count, index) => {
    if (count === 0) ready.push(index);
  });
  const order: string[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(nodes[next] ?? '');
    for (const dependent of dependents[next] ?? []) {
      const left = (waitingOn[dependent] ?? 0) - 1;
      waitingOn[dependent] = left;
      if (left === 0) ready.push(dependent);
    }
  }
  return order;
}

class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const items = this.items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] ?? 0) <= value) break;
      items[i] = items[parent] ?? 0;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] ?? 0) < (items[left] ?? 0) ? right : left;
      if ((items[child] ?? 0) >= last) break;
      items[i] = items[child] ?? 0;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
