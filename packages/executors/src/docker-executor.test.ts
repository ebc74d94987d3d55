import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepEnd, UserError, type StepOutput, type StepRequest } from '@slipway/core';
import { describeExecutorContract } from '@slipway/testing';
import { DockerApiClient } from './docker-api-client.js';
import { DockerExecutor } from './docker-executor.js';
import { formatDockerHost, parseDockerHost, resolveDockerHost } from './docker-host.js';
import { splitImageReference } from './ensure-docker-image.js';
import { probeDockerHost } from './probe-docker-host.js';

const IMAGE = 'localhost/slipway-busybox:latest';
const host = resolveDockerHost(process.env);
const setUpHint = 'run scripts/setup-containers.sh as root and export the DOCKER_HOST it prints';

/** Why container tests cannot run here, or undefined when they can. */
async function containerSkipReason(): Promise<string | undefined> {
  const probe = await probeDockerHost(host);
  if (!probe.ok) {
    return `${probe.reason}; ${setUpHint}`;
  }
  const api = new DockerApiClient(host);
  try {
    const image = await api.send({ method: 'GET', path: `/images/${IMAGE}/json` });
    return image.status === 200 ? undefined : `image ${IMAGE} is missing; ${setUpHint}`;
  } finally {
    api.close();
  }
}

describeExecutorContract('container', async () => ({
  executor: new DockerExecutor({ host, network: 'none' }),
  image: IMAGE,
  skipReason: await containerSkipReason(),
  demandedBy: 'SLIPWAY_TEST_CONTAINERS',
}));

describe('DockerExecutor with an engine', async () => {
  const reason = await containerSkipReason();
  const executor = new DockerExecutor({ host, network: 'none' });
  const discard: StepOutput = { write: () => undefined };
  const controls = () => ({
    cancel: new AbortController().signal,
    kill: new AbortController().signal,
  });
  const request = (overrides: Partial<StepRequest>): StepRequest => ({
    taskId: 'docker-test',
    attempt: 1,
    stepIndex: 0,
    stepName: 'step',
    script: 'true',
    shell: ['sh', '-c'],
    env: {},
    workingDirectory: '/',
    mounts: [],
    image: IMAGE,
    killGraceMs: 300,
    ...overrides,
  });
  const mustRun = process.env.SLIPWAY_TEST_CONTAINERS === '1';
  if (reason !== undefined && !mustRun) console.warn(`Skipping DockerExecutor tests: ${reason}`);
  const describeEngine = reason === undefined || mustRun ? describe : describe.skip;

  describeEngine(reason === undefined ? 'engine reachable' : `skipped: ${reason}`, () => {
    it('reports start_failed when the image can be neither found nor pulled', async () => {
      const outcome = await executor.runStep(
        request({ image: 'localhost:1/slipway-missing:never' }),
        discard,
        controls(),
      );
      expect(outcome.end).toBe(StepEnd.StartFailed);
      expect(outcome.error).toMatch(
        /localhost:1\/slipway-missing:never could not be found or pulled/,
      );
    });

    it('labels the container with the task and removes it after the step', async () => {
      const taskId = `label-check-${String(process.pid)}`;
      const api = new DockerApiClient(host);
      const listLabelled = () =>
        api.json<{ Labels: Record<string, string> }[]>({
          method: 'GET',
          path: '/containers/json',
          query: { all: 1, filters: JSON.stringify({ label: [`slipway.task=${taskId}`] }) },
        });
      try {
        let duringStep: ReturnType<typeof listLabelled> | undefined;
        const outcome = await executor.runStep(
          request({ taskId, script: 'echo running; sleep 2' }),
          {
            write: () => {
              duringStep ??= listLabelled();
            },
          },
          controls(),
        );
        expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 0 });
        const seen = await duringStep;
        expect(seen?.map((container) => container.Labels['slipway.task'])).toEqual([taskId]);
        expect(await listLabelled()).toEqual([]);
      } finally {
        api.close();
      }
    });

    it('runs the shell even when the image declares an entry point', async () => {
      const api = new DockerApiClient(host);
      const repo = 'localhost/slipway-entrypoint-test';
      const tag = String(process.pid);
      const base = await api.json<{ Id: string }>({
        method: 'POST',
        path: '/containers/create',
        body: { Image: IMAGE, Cmd: ['true'] },
      });
      try {
        await api.call({
          method: 'POST',
          path: '/commit',
          query: { container: base.Id, repo, tag, changes: 'ENTRYPOINT ["/bin/false"]' },
          body: {},
        });
        const outcome = await executor.runStep(
          request({ image: `${repo}:${tag}`, script: 'exit 7' }),
          discard,
          controls(),
        );
        expect(outcome).toMatchObject({ end: StepEnd.Exited, exitCode: 7 });
      } finally {
        await api.send({ method: 'DELETE', path: `/containers/${base.Id}`, query: { force: 1 } });
        await api.send({ method: 'DELETE', path: `/images/${repo}:${tag}`, query: { force: 1 } });
        api.close();
      }
    });

    it('has no network with network none', async () => {
      const chunks: string[] = [];
      const outcome = await executor.runStep(
        request({ script: 'ls /sys/class/net' }),
        { write: (_stream, chunk) => chunks.push(Buffer.from(chunk).toString('utf8')) },
        controls(),
      );
      expect(outcome.exitCode).toBe(0);
      expect(chunks.join('').trim().split(/\s+/)).toEqual(['lo']);
    });
  });
});

describe('DockerExecutor without an engine', () => {
  let folder = '';
  let server: Server | undefined;

  beforeAll(async () => {
    folder = await realpath(await mkdtemp(join(tmpdir(), 'slipway-docker-')));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      if (server === undefined) resolve();
      else
        server.close(() => {
          resolve();
        });
    });
    await rm(folder, { recursive: true, force: true });
  });

  const request: StepRequest = {
    taskId: 'no-engine',
    attempt: 1,
    stepIndex: 0,
    stepName: 'step',
    script: 'true',
    shell: ['sh', '-c'],
    env: {},
    workingDirectory: '/',
    mounts: [],
    image: 'alpine:3',
    killGraceMs: 0,
  };
  const controls = () => ({
    cancel: new AbortController().signal,
    kill: new AbortController().signal,
  });

  it('rejects with an environment error naming the address when nothing listens', async () => {
    const missing = parseDockerHost(`unix://${folder}/missing.sock`);
    const executor = new DockerExecutor({ host: missing });
    const failure = executor.runStep(request, { write: () => undefined }, controls());
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toThrow(`unix://${folder}/missing.sock`);
  });

  it('reports start_failed naming a variable with a NUL byte, never its value, before calling the engine', async () => {
    const missing = parseDockerHost(`unix://${folder}/missing.sock`);
    const executor = new DockerExecutor({ host: missing });
    const outcome = await executor.runStep(
      { ...request, env: { PATH: '/usr/bin:/bin', TOKEN: 'top\0secret' } },
      { write: () => undefined },
      controls(),
    );
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.error).toContain('TOKEN holds a NUL byte');
    expect(outcome.error).not.toMatch(/top/);
  });

  it('reports a failed pull from the progress stream as start_failed', async () => {
    const socketPath = join(folder, 'fake-engine.sock');
    const seen: string[] = [];
    server = createServer((incoming, response) => {
      seen.push(`${incoming.method ?? ''} ${incoming.url ?? ''}`);
      if (incoming.url?.includes('/images/create') === true) {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(
          '{"status":"Pulling"}\n{"errorDetail":{"message":"registry unreachable"},"error":"registry unreachable"}\n',
        );
        return;
      }
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end('{"message":"no such image: alpine:3"}');
    });
    await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
    const executor = new DockerExecutor({ host: { kind: 'unix', socketPath } });
    const outcome = await executor.runStep(request, { write: () => undefined }, controls());
    expect(outcome.end).toBe(StepEnd.StartFailed);
    expect(outcome.error).toBe('image alpine:3 could not be found or pulled: registry unreachable');
    expect(seen).toEqual([
      'GET /v1.41/images/alpine%3A3/json',
      'POST /v1.41/images/create?fromImage=alpine&tag=3',
    ]);
  });

  it('probes an absent engine without throwing', async () => {
    const probe = await probeDockerHost(parseDockerHost(`unix://${folder}/absent.sock`), 500);
    expect(probe.ok).toBe(false);
  });
});

describe('resolveDockerHost', () => {
  it('defaults to the Docker socket', () => {
    expect(resolveDockerHost({})).toEqual({ kind: 'unix', socketPath: '/var/run/docker.sock' });
    expect(resolveDockerHost({ DOCKER_HOST: '' })).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
    });
  });

  it('reads unix and tcp addresses', () => {
    expect(resolveDockerHost({ DOCKER_HOST: 'unix:///run/podman/podman.sock' })).toEqual({
      kind: 'unix',
      socketPath: '/run/podman/podman.sock',
    });
    expect(resolveDockerHost({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toEqual({
      kind: 'tcp',
      hostname: '10.0.0.5',
      port: 2376,
    });
    expect(resolveDockerHost({ DOCKER_HOST: 'tcp://[::1]:2375' })).toEqual({
      kind: 'tcp',
      hostname: '::1',
      port: 2375,
    });
  });

  it('round-trips through formatDockerHost', () => {
    for (const value of ['unix:///var/run/docker.sock', 'tcp://docker:2375', 'tcp://[::1]:2375']) {
      expect(formatDockerHost(parseDockerHost(value))).toBe(value);
    }
  });

  it('rejects other forms with a user error', () => {
    for (const value of [
      'ssh://me@box',
      'unix://relative.sock',
      'tcp://host:99999',
      '/var/run/x',
    ]) {
      expect(() => resolveDockerHost({ DOCKER_HOST: value })).toThrow(UserError);
    }
  });
});

describe('splitImageReference', () => {
  it('separates the tag, defaulting to latest', () => {
    expect(splitImageReference('alpine')).toEqual({ fromImage: 'alpine', tag: 'latest' });
    expect(splitImageReference('registry:5000/team/app:1.2')).toEqual({
      fromImage: 'registry:5000/team/app',
      tag: '1.2',
    });
    expect(splitImageReference('registry:5000/team/app')).toEqual({
      fromImage: 'registry:5000/team/app',
      tag: 'latest',
    });
    expect(splitImageReference('app@sha256:abc')).toEqual({ fromImage: 'app@sha256:abc' });
  });
});
