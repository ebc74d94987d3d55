export * from './find-cycle.js';
export * from './topological-order.js';
