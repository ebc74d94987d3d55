export * from './agent.js';
export * from './agent-connection.js';
export * from './http-agent-connection.js';
export * from './run-agent-process.js';
export { GitCheckouts, type Checkout } from './git-checkouts.js';
export { DROPPED_OUTPUT_MARKER, MAX_CHUNK_CHARS } from './log-shipper.js';
export { defaultRetryPolicy, type RetryPolicy } from './retry-delay.js';
export type { AgentExecutors } from './run-assigned-attempt.js';
export { makeWorkFolder } from './work-folder.js';
