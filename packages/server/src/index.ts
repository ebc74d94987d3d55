export { createServer, type ServerDeps, type SlipwayServer } from './create-server.js';
export { startServer, type RunningServer } from './start-server.js';
export {
  ServerConfigSchema,
  databaseUrl,
  type ServerConfig,
  type ServerConfigInput,
} from './config/server-config.js';
export { loadServerConfig, envName, type ConfigSources } from './config/load-server-config.js';
export {
  applyEvent,
  applyWake,
  type AppliedEvent,
  type ApplyOptions,
} from './scheduler/apply-event.js';
export {
  SchedulerLoop,
  type PassReport,
  type SchedulerLoopOptions,
} from './scheduler/scheduler-loop.js';
export { ADMIN_TOKEN_FILE, hashToken } from './auth/admin-token.js';
export { errorResponse } from './http/error-handler.js';
