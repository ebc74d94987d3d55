export * from './load-pipelines.js';
