import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAgentProcess } from '@slipway/agent';
import type { ServerFixture } from './server-fixture.js';

/**
 * Runs a real agent (no containers, capacity 2) against the server listening at `base`,
 * in a temporary work folder; returns what stops it. Stopping closes the server first:
 * that answers the agent's waiting claim, so the agent stops at once.
 */
export function startTestAgent(server: ServerFixture, base: string): () => Promise<void> {
  const stop = new AbortController();
  const workDir = mkdtemp(join(tmpdir(), 'slipway-agent-'));
  const agent = workDir.then((dir) =>
    runAgentProcess({
      server: base,
      token: server.token,
      labels: [],
      capacity: 2,
      workDir: dir,
      containers: false,
      heartbeatMs: 500,
      graceMs: 1000,
      log: () => undefined,
      signal: stop.signal,
    }),
  );
  return async () => {
    stop.abort();
    await server.app.close();
    await agent;
    await rm(await workDir, { recursive: true, force: true });
  };
}
