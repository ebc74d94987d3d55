import { buildRunGraph, type Plan, type RunGraph } from '@slipway/core';

/*
 * Graphs of the plans seen, by plan: the store hands out one shared (frozen) plan object
 * per run while its text is unchanged, so a run's graph is built once rather than with
 * every change or claim of the run. Graphs are read-only.
 */
const graphs = new WeakMap<Plan, RunGraph>();

/** The graph of `plan`, built once per plan object. */
export function graphOf(plan: Plan): RunGraph {
  let graph = graphs.get(plan);
  if (graph === undefined) {
    graph = buildRunGraph(plan);
    graphs.set(plan, graph);
  }
  return graph;
}
