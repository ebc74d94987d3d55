import { UserError, UserErrorKind, type ControlStore } from '@slipway/core';
import { describeStoreUrl, openControlStore } from '@slipway/store';
import type { FastifyInstance } from 'fastify';
import { databaseUrl, type ServerConfig } from './config/server-config.js';
import { createServer, type ServerDeps } from './create-server.js';

/** A listening server. */
export interface RunningServer {
  /** Base URL, such as `http://127.0.0.1:7070`. */
  readonly url: string;
  /** Where the store is, for people: the SQLite file, or PostgreSQL's host and database (no credentials). */
  readonly database: string;
  /** The admin token when this start made it, to be shown once; else null. */
  readonly adminToken: string | null;
  /** Stops accepting requests, releases waiting claims, stops the scheduler, closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the configured store (applying migrations), builds the server and listens.
 * `deps` may add tokens or turn logging off; the store is always the configured one.
 */
export async function startServer(
  config: ServerConfig,
  deps: Omit<ServerDeps, 'store'> = {},
): Promise<RunningServer> {
  const url = databaseUrl(config);
  const store = await openControlStore(url);
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  try {
    server = await createServer(config, { ...deps, store });
    await listen(server.app, config);
    const { app } = server;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      database: describeStoreUrl(url),
      adminToken: server.adminToken,
      close: () => closeAll(app, store),
    };
  } catch (error) {
    await closeAll(server?.app, store);
    throw error;
  }
}

/** Stops the server's work (its loops started once it was ready), then closes the store. */
async function closeAll(app: FastifyInstance | undefined, store: ControlStore): Promise<void> {
  try {
    await app?.close();
  } finally {
    await store.close();
  }
}

async function listen(app: FastifyInstance, config: ServerConfig): Promise<void> {
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    const problem = listenProblem((error as NodeJS.ErrnoException).code, config);
    if (problem === undefined) throw error;
    throw new UserError(UserErrorKind.Environment, problem);
  }
}

function listenProblem(code: string | undefined, { host, port }: ServerConfig): string | undefined {
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is in use by another program: stop it, or choose another port (--port)`;
    case 'EACCES':
      return `this user may not listen on port ${port} on ${host}: choose a port above 1023 (--port)`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${host} is not an address of this machine: choose one that is (--host), or 127.0.0.1`;
    case undefined:
    default:
      return undefined;
  }
}
