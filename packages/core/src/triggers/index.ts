export * from './match-trigger.js';
