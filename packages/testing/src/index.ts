export * from './executor-contract.js';
export * from './fake-executor.js';
export * from './control-store-contract.js';
export * from './plan-fixtures.js';
export * from './control-store-contract-fixtures.js';
