export * from './load-pipelines.js';
export * from './fetch-maintenance.js';
