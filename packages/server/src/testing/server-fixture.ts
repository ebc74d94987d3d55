import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ControlStore } from '@slipway/core';
import { openControlStore } from '@slipway/store';
import {
  ServerConfigSchema,
  type ServerConfig,
  type ServerConfigInput,
} from '../config/server-config.js';
import { createServer, type ServerDeps, type SlipwayServer } from '../create-server.js';

const run = promisify(execFile);

/** A server over a real SQLite store in a temporary data folder, for tests. */
export interface ServerFixture extends SlipwayServer {
  readonly config: ServerConfig;
  readonly store: ControlStore;
  readonly token: string;
  readonly dataDir: string;
  /** Base URL once {@link listen} was called. */
  listen(): Promise<string>;
  /** Closes the app and the store and removes the data folder. */
  close(): Promise<void>;
}

/** Builds a server on a fresh SQLite store in a temporary folder. */
export async function serverFixture(
  config: Partial<ServerConfigInput> = {},
  deps: Omit<ServerDeps, 'store'> = {},
): Promise<ServerFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'slipway-server-'));
  const parsed = ServerConfigSchema.parse({
    dataDir,
    port: 0,
    schedulerIntervalMs: 50,
    claimPollMs: 50,
    ...config,
  });
  const store = await openControlStore(join(dataDir, 'slipway.db'));
  const server = await createServer(parsed, { logger: false, ...deps, store });
  if (server.adminToken === null) throw new Error('a fresh data folder must make an admin token');
  const token = server.adminToken;
  return {
    ...server,
    config: parsed,
    store,
    token,
    dataDir,
    async listen() {
      await server.app.listen({ host: '127.0.0.1', port: 0 });
      const address = server.app.server.address();
      if (typeof address !== 'object' || !address) throw new Error('not listening');
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      try {
        await server.app.close();
        await store.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Runs `git` in `dir` as a test author; returns what it printed, trimmed. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  return (await run('git', ['-C', dir, ...args], { env })).stdout.trim();
}

/** Writes `files` in `dir` and commits them on the current branch; returns the commit id. */
export async function commitFiles(
  dir: string,
  files: Readonly<Record<string, string>>,
  message = `change ${Object.keys(files).join(' ')}`,
): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await git(dir, 'add', '--all');
  await git(dir, 'commit', '--quiet', '--message', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Makes a Git repository in a temporary folder with the given files, committed on `main`. */
export async function gitRepository(files: Readonly<Record<string, string>>): Promise<{
  readonly dir: string;
  readonly commit: string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-repo-'));
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  return {
    dir,
    commit: await commitFiles(dir, files, 'first'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A pipeline of two tasks, `test` needing `build`, each printing a line. */
export const TWO_TASKS = `name: ci
tasks:
  build:
    steps:
      - name: compile
        run: echo building
  test:
    needs: [build]
    steps:
      - name: unit
        run: echo testing
`;
