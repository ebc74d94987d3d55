export * from './errors/user-error.js';
export * from './errors/diagnostic.js';
export * from './errors/config-error.js';
export * from './ports/executor.js';
export * from './spec/pipeline-schema.js';
export * from './plan/plan.js';
