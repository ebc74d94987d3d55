export * from './match-trigger.js';
export * from './cron-ticks.js';
