import { openControlStore } from '@slipway/store';
import { databaseUrl, type ServerConfig } from './config/server-config.js';
import { createServer, type ServerDeps } from './create-server.js';

/** A listening server. */
export interface RunningServer {
  /** Base URL, such as `http://127.0.0.1:7070`. */
  readonly url: string;
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
  const store = await openControlStore(databaseUrl(config));
  try {
    const server = await createServer(config, { ...deps, store });
    await server.app.listen({ host: config.host, port: config.port });
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      adminToken: server.adminToken,
      close: async () => {
        try {
          await server.app.close();
        } finally {
          await store.close();
        }
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
