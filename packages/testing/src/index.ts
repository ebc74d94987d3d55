export * from './executor-contract.js';
