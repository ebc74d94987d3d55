export * from './executor-contract.js';
export * from './fake-executor.js';
export * from './control-store-contract.js';
export * from './plan-fixtures.js';
