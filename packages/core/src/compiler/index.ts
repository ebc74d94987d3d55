export * from './compile-pipeline.js';
export { durationToMs } from './durations.js';
export { MATRIX_LIMIT } from './expand-matrix.js';
export type { GivenParam } from './resolve-params.js';
