import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ControlStore } from '@slipway/core';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { AgentRegistry } from './agents/agent-registry.js';
import { agentRoutes } from './agents/agent-routes.js';
import { ensureAdminToken, hashToken } from './auth/admin-token.js';
import { installBearerAuth } from './auth/bearer-auth.js';
import type { ServerConfig } from './config/server-config.js';
import { RepositoryCache } from './git/repository-cache.js';
import { installErrorHandling } from './http/error-handler.js';
import { healthRoutes } from './http/health-routes.js';
import { projectRoutes } from './projects/project-routes.js';
import { runRoutes } from './runs/run-routes.js';
import { RunDriver } from './scheduler/run-driver.js';
import { SchedulerLoop } from './scheduler/scheduler-loop.js';
import { WorkSignal } from './scheduler/work-signal.js';

/** What the server is built from besides its configuration. */
export interface ServerDeps {
  readonly store: ControlStore;
  /** Wall-clock time in milliseconds; `Date.now` by default. */
  readonly now?: () => number;
  /**
   * Tokens accepted besides the admin token, held in memory only, such as a token made
   * at start-up for an embedded agent.
   */
  readonly extraTokens?: readonly string[];
  /** Log requests and problems at the configured level (default true). */
  readonly logger?: boolean;
  /** Run the scheduler loop once the app is ready (default true); tests may drive it. */
  readonly startScheduler?: boolean;
}

/** A server built by {@link createServer}, not yet listening. */
export interface SlipwayServer {
  readonly app: FastifyInstance;
  readonly scheduler: SchedulerLoop;
  readonly driver: RunDriver;
  readonly agents: AgentRegistry;
  /** The admin token when this call made it (the first start), to be shown once; else null. */
  readonly adminToken: string | null;
}

/** Largest request body, except where a route sets its own limit. */
const BODY_LIMIT = 1024 * 1024;

/**
 * The composition root of the control plane: builds the HTTP app with its routes, auth
 * and error handling, the scheduler loop and the fetch cache over `deps.store`. The
 * scheduler loop starts when the app is ready and stops, with waiting claims released,
 * when it closes. The store is the caller's to close.
 */
export async function createServer(config: ServerConfig, deps: ServerDeps): Promise<SlipwayServer> {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const admin = await ensureAdminToken(config.dataDir);
  const app = Fastify({
    logger: deps.logger === false ? false : { level: config.logLevel },
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // Agents call every few seconds; problems are logged where they are handled.
    logController: new LogController({ disableRequestLogging: true }),
  });

  const work = new WorkSignal();
  const driver = new RunDriver(store, work, now);
  const agents = new AgentRegistry();
  const scheduler = new SchedulerLoop(store, driver, {
    intervalMs: config.schedulerIntervalMs,
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now,
    onError: (error, what) => {
      app.log.error({ err: error }, `scheduler: could not ${what}`);
    },
  });
  const repositories = new RepositoryCache(
    join(config.dataDir, 'cache', 'repos'),
    join(config.dataDir, 'tmp'),
  );
  let stopping = false;

  installErrorHandling(app);
  installBearerAuth(app, [admin.hash, ...(deps.extraTokens ?? []).map(hashToken)]);
  healthRoutes(app, store, () => stopping);
  projectRoutes(app, store);
  runRoutes(app, {
    store,
    repositories,
    driver,
    templatesDir: join(config.dataDir, 'cache', 'templates'),
    runCapacity: config.runCapacity,
    now,
  });
  agentRoutes(app, {
    store,
    work,
    now,
    leaseMs: config.leaseMs,
    claimWaitMaxMs: config.claimWaitMaxMs,
    claimPollMs: config.claimPollMs,
    agents,
    scheduler,
  });

  app.addHook('onReady', (done) => {
    if (deps.startScheduler !== false) scheduler.start();
    done();
  });
  app.addHook('preClose', async () => {
    stopping = true;
    work.close();
    await scheduler.stop();
  });

  return { app, scheduler, driver, agents, adminToken: admin.created };
}
