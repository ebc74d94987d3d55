export * from './load-pipelines.js';
export * from './fetch-maintenance.js';
export * from './borrow-local-objects.js';
