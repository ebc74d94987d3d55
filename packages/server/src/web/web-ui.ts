import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the built UI is in a Slipway checkout: `packages/web/dist`, next to this package. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Answers a page request no file matches: the UI's entry, so its router shows the page. */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/**
 * What the UI document may load and do: only this server's own scripts, styles and API,
 * so that text shown by the UI can never pull in or run anything else.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slipway</title></head>
<body><main><h1>The Slipway web UI is not built</h1>
<p>Run <code>npm run build</code> in the Slipway checkout and reload this page, or set
<code>webDir</code> (<code>SLIPWAY_WEB_DIR</code>) to the folder holding the built UI.
The API is served under <code>/api</code> either way.</p></main></body></html>
`;

/**
 * Serves the web UI from `dir` (the built `packages/web/dist`) at `/`: its files as they
 * are (hashed assets cached for good, the entry never), and its entry for any other page
 * path, so that the UI's own routes load on a reload. Without a built UI, `/` and page
 * paths answer a page saying how to build it. `/api` is left to the API routes.
 */
export async function installWebUi(app: FastifyInstance, dir: string): Promise<PageFallback> {
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn(`web UI: no index.html in ${dir}; run npm run build, or set webDir`);
    const notBuilt: PageFallback = (_request, reply) =>
      reply.code(404).type('text/html; charset=utf-8').send(NOT_BUILT);
    app.get('/', notBuilt);
    return notBuilt;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: 'index.html',
    setHeaders: (reply, path) => {
      const isAsset = path.startsWith(join(dir, 'assets'));
      void reply.header(
        'cache-control',
        isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      if (path.endsWith('.html')) {
        void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
        void reply.header('x-content-type-options', 'nosniff');
      }
    },
  });
  return (_request, reply) => reply.sendFile('index.html');
}

/** Whether a request not matching any route is for a page of the UI (not the API). */
export function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (path === '/api' || path.startsWith('/api/')) return false;
  const last = path.split('/').at(-1) ?? '';
  return !last.includes('.') || path.endsWith('.html');
}
