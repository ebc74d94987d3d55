import type { Expression, ExpressionNode } from './ast.js';
import { valueToString } from './expression-value.js';

/**
 * Every property path the expression reads, as far as its keys are literal, each once in
 * order of appearance: `tasks['build'].results.v == params.v` →
 * `[['tasks', 'build', 'results', 'v'], ['params', 'v']]`. A computed key ends its path
 * (`matrix[params.axis]` gives `['matrix']` and `['params', 'axis']`).
 */
export function referencedPaths(expr: Expression): string[][] {
  const paths = new Map<string, string[]>();
  visit(expr.root, (node) => {
    if (node.kind !== 'path') return;
    const path: string[] = [node.root];
    for (const key of node.keys) {
      if (key.kind !== 'literal') break;
      path.push(valueToString(key.value));
    }
    paths.set(JSON.stringify(path), path);
  });
  return [...paths.values()];
}

/** The names of the functions the expression calls, each once in order of appearance. */
export function referencedFunctions(expr: Expression): string[] {
  const names = new Set<string>();
  visit(expr.root, (node) => {
    if (node.kind === 'call') names.add(node.name);
  });
  return [...names];
}

function visit(node: ExpressionNode, see: (node: ExpressionNode) => void): void {
  see(node);
  switch (node.kind) {
    case 'literal':
      return;
    case 'path':
      for (const key of node.keys) visit(key, see);
      return;
    case 'not':
      visit(node.operand, see);
      return;
    case 'binary':
      visit(node.left, see);
      visit(node.right, see);
      return;
    case 'call':
      for (const arg of node.args) visit(arg, see);
      return;
  }
}
