export * from './resolved-template.js';
export * from './template-resolver.js';
export * from './repository-template-resolver.js';
export * from './git-template-resolver.js';
