export * from './executor-contract.js';
export * from './fake-executor.js';
