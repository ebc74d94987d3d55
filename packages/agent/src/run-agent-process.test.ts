import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as api from '@slipway/api';
import type { LogChunk } from '@slipway/core';
import { planStep, planTask } from '@slipway/testing';
import type { AssignedAttempt, FinishRequest } from './agent-connection.js';
import { runAgentProcess } from './run-agent-process.js';

const TOKEN = 'agent-token-123';

/** What the server checks each request against. */
const requestSchemas: Record<
  string,
  { safeParse(value: unknown): { success: boolean; error?: { message: string } } }
> = {
  '/api/agent/register': api.RegisterAgentRequest,
  '/api/agent/claim': api.ClaimRequest,
  '/api/agent/heartbeat': api.HeartbeatRequest,
  '/api/agent/logs': api.AgentLogsRequest,
  '/api/agent/finish': api.FinishRequest,
};

/** A control plane that speaks the agent protocol for one attempt. */
async function controlPlane(work: AssignedAttempt) {
  let offered = false;
  const logs: LogChunk[] = [];
  const finishes: FinishRequest[] = [];
  const invalid: string[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'unknown token' } }));
        return;
      }
      const bytes = Buffer.concat(parts);
      const frame =
        req.headers['content-type'] === api.LOG_BATCH_FRAME_TYPE ? api.decodeLogBatch(bytes) : null;
      const body = (
        frame === null
          ? JSON.parse(bytes.toString('utf8'))
          : frame.ok
            ? frame.request
            : { problem: frame.problem }
      ) as Record<string, unknown>;
      const schema = requestSchemas[req.url ?? ''];
      const checked = schema?.safeParse(body);
      if (checked && !checked.success)
        invalid.push(`${req.url ?? ''}: ${checked.error?.message ?? ''}`);
      const reply = (value: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      switch (req.url ?? '') {
        case '/api/agent/register':
          reply({ agentId: 'ag-7' });
          return;
        case '/api/agent/claim': {
          if (!offered) {
            offered = true;
            reply({ attempts: [work] });
            return;
          }
          const timer = setTimeout(() => {
            reply({ attempts: [] });
          }, Number(body.waitMs));
          res.on('close', () => {
            clearTimeout(timer);
          });
          return;
        }
        case '/api/agent/heartbeat':
          reply({
            answers: Object.fromEntries(
              (body.attemptIds as string[]).map((id) => [id, { status: 'ok' }]),
            ),
          });
          return;
        case '/api/agent/logs':
          logs.push(...(body.chunks as LogChunk[]));
          res.writeHead(204).end();
          return;
        case '/api/agent/finish':
          finishes.push(body as unknown as FinishRequest);
          reply({ accepted: true });
          return;
        default:
          res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, logs, finishes, invalid };
}

describe('runAgentProcess', () => {
  let temp = '';
  let server: Server | undefined;

  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('registers, runs an attempt from the server and reports it over HTTP', async () => {
    temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-agent-process-')));
    const repo = join(temp, 'repo');
    execFileSync('git', ['init', '-q', repo]);
    await writeFile(join(repo, 'hello.txt'), 'hello from the repository\n');
    execFileSync('git', ['add', '.'], { cwd: repo });
    execFileSync(
      'git',
      ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', 'one'],
      { cwd: repo },
    );
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
    const task = planTask('greet', {
      runsOn: ['linux'],
      steps: [
        planStep('greet', {
          run: 'cat hello.txt; echo "token=${SLIPWAY_AGENT_TOKEN:-unset} key=$API_KEY"',
        }),
      ],
    });
    const plane = await controlPlane({
      attemptId: 'at-1',
      runId: 'run-1',
      taskId: 'greet',
      attempt: 1,
      task,
      run: { pipeline: 'ci', params: {}, trigger: { event: 'manual' } },
      project: { source: repo, commit },
      context: { params: {}, trigger: { event: 'manual' }, tasks: {} },
      leaseMs: 30_000,
      secrets: { API_KEY: 'sup3r-secret-key' },
    });
    server = plane.server;

    const stop = new AbortController();
    const lines: string[] = [];
    const running = runAgentProcess({
      server: plane.url,
      token: TOKEN,
      labels: ['linux'],
      capacity: 1,
      name: 'laptop',
      workDir: join(temp, 'work'),
      heartbeatMs: 100,
      logFlushMs: 20,
      containers: false,
      env: { PATH: process.env.PATH, SLIPWAY_AGENT_TOKEN: TOKEN },
      log: (line) => lines.push(line),
      signal: stop.signal,
    });
    const deadline = Date.now() + 20_000;
    while (plane.finishes.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    stop.abort();
    await running;

    expect(plane.finishes).toEqual([
      { agentId: 'ag-7', attemptId: 'at-1', outcome: 'succeeded', results: {}, error: null },
    ]);
    expect(plane.logs.map((c) => c.text).join('')).toBe(
      'hello from the repository\ntoken=unset key=***\n',
    );
    expect(lines.some((line) => line.includes('waiting for work'))).toBe(true);
    expect(plane.invalid).toEqual([]);
  });

  it('fails with a clear message when the server refuses the token', async () => {
    temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-agent-process-')));
    const plane = await controlPlane({} as AssignedAttempt);
    server = plane.server;
    await expect(
      runAgentProcess({
        server: plane.url,
        token: 'wrong',
        labels: [],
        capacity: 1,
        workDir: join(temp, 'work'),
        containers: false,
        log: () => undefined,
      }),
    ).rejects.toThrow(/could not register: register: the server refused the agent token/);
  });

  it.each([
    ['under a file', (temp: string) => join(temp, 'a-file', 'work'), /a-file is not a folder/],
    [
      'under /proc, where a recursive mkdir never returns',
      () => '/proc/slipway-nope/work',
      /ENOENT/,
    ],
  ])(
    'fails at once naming the work folder when it cannot be made %s',
    async (_, folder, reason) => {
      temp = await realpath(await mkdtemp(join(tmpdir(), 'slipway-agent-process-')));
      await writeFile(join(temp, 'a-file'), 'not a folder\n');
      const plane = await controlPlane({} as AssignedAttempt);
      server = plane.server;
      const workDir = folder(temp);
      const failure = runAgentProcess({
        server: plane.url,
        token: TOKEN,
        labels: [],
        capacity: 1,
        workDir,
        containers: false,
        log: () => undefined,
      });
      await expect(failure).rejects.toThrow(`the agent cannot use ${workDir} as its work folder`);
      await expect(failure).rejects.toThrow(reason);
      await expect(failure).rejects.toThrow(/choose a folder this user can write to/);
    },
  );
});
