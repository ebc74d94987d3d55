/**
 * The `@slipway/core/ports` entry: the ports and the error taxonomy, without the pipeline
 * language and its libraries, for processes that must stay small (such as the step
 * runner that forks steps).
 */
export * from './executor.js';
export * from './clock.js';
export * from './task-workspace.js';
export * from '../errors/user-error.js';
export * from '../errors/config-error.js';
export * from '../errors/diagnostic.js';
