export * from './infer-makefile-pipeline.js';
export { parseMakefileTargets } from './parse-makefile-targets.js';
