import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  StepEnd,
  type Executor,
  type StepControls,
  type StepOutcome,
  type StepOutput,
  type StepRequest,
} from '@slipway/core';
import { DockerApiClient, DockerApiError } from './docker-api-client.js';
import { ensureDockerImage } from './ensure-docker-image.js';
import { nulByteInEnv } from './env-nul-byte.js';
import { ContainerLogReader } from './container-log-reader.js';
import type { DockerHost } from './docker-host.js';

/** Settings of a {@link DockerExecutor}. */
export interface DockerExecutorOptions {
  /** The engine to use; see `resolveDockerHost`. */
  readonly host: DockerHost;
  /** Network mode of step containers, such as `none` or `bridge`; the engine's default when unset. */
  readonly network?: string | undefined;
}

/** Timeout for API calls that should answer at once (inspect, create, start, remove). */
const API_TIMEOUT_MS = 60_000;

type StopReason = typeof StepEnd.TimedOut | typeof StepEnd.Cancelled;

/**
 * Runs each step in a fresh container through the Docker Engine API (Docker, or Podman's
 * compatible service). The container runs `[...shell, script]` with the image's entry
 * point cleared, exactly the request's environment on top of the image's own, the
 * request's mounts bound at the same paths, and the label `slipway.task=<taskId>`. It is
 * removed when the step ends, whatever the outcome. The step's timeout counts from the
 * moment the container starts, so pulling the image does not use it up.
 */
export class DockerExecutor implements Executor {
  readonly name = 'container';
  private readonly api: DockerApiClient;

  constructor(private readonly options: DockerExecutorOptions) {
    this.api = new DockerApiClient(options.host);
  }

  async runStep(
    request: StepRequest,
    output: StepOutput,
    controls: StepControls,
  ): Promise<StepOutcome> {
    const image = request.image;
    if (image === undefined) {
      throw new Error(
        `the container executor was asked to run task ${request.taskId} without an image`,
      );
    }
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);
    const stopRequested = AbortSignal.any([controls.cancel, controls.kill]);
    const isStopRequested = (): boolean => stopRequested.aborted;
    const cancelled = (): StepOutcome => ({
      end: StepEnd.Cancelled,
      exitCode: null,
      durationMs: elapsed(),
    });
    const startFailed = (error: string): StepOutcome => ({
      end: StepEnd.StartFailed,
      exitCode: null,
      durationMs: elapsed(),
      error,
    });
    if (isStopRequested()) return cancelled();
    const unsafeEnv = nulByteInEnv(request.env);
    if (unsafeEnv !== undefined) return startFailed(unsafeEnv);

    let missing: string | undefined;
    try {
      missing = await ensureDockerImage(this.api, image, stopRequested);
    } catch (error) {
      if (isStopRequested()) return cancelled();
      throw error;
    }
    if (missing !== undefined) {
      return startFailed(`image ${image} could not be found or pulled: ${missing}`);
    }
    if (isStopRequested()) return cancelled();

    let id: string;
    try {
      id = await this.createContainer(request, image);
    } catch (error) {
      if (error instanceof DockerApiError) {
        return startFailed(`cannot create a container from ${image}: ${error.engineMessage}`);
      }
      throw error;
    }
    try {
      if (isStopRequested()) return cancelled();
      const logs = new ContainerLogReader(this.api, id, output);
      const attached = await logs.attach(id);
      try {
        await this.api.call({
          method: 'POST',
          path: `/containers/${id}/start`,
          timeoutMs: API_TIMEOUT_MS,
        });
      } catch (error) {
        logs.stop();
        if (error instanceof DockerApiError) {
          return startFailed(`cannot start the container: ${error.engineMessage}`);
        }
        throw error;
      }
      if (!attached) logs.follow();
      const result = await this.superviseContainer(id, request, logs, controls);
      const durationMs = elapsed();
      return result.stopReason === undefined
        ? { end: StepEnd.Exited, exitCode: result.exitCode, durationMs }
        : { end: result.stopReason, exitCode: null, durationMs };
    } finally {
      await this.removeContainer(id);
    }
  }

  private async createContainer(request: StepRequest, image: string): Promise<string> {
    const hostConfig: Record<string, unknown> = {
      Binds: request.mounts.map((path) => `${path}:${path}`),
    };
    if (this.options.network !== undefined) hostConfig.NetworkMode = this.options.network;
    const created = await this.api.json<{ Id: string }>({
      method: 'POST',
      path: '/containers/create',
      query: { name: containerName(request) },
      timeoutMs: API_TIMEOUT_MS,
      body: {
        Image: image,
        Entrypoint: [''],
        Cmd: [...request.shell, request.script],
        Env: Object.entries(request.env).map(([name, value]) => `${name}=${value}`),
        WorkingDir: request.workingDirectory,
        Labels: {
          'slipway.task': request.taskId,
          'slipway.attempt': String(request.attempt),
          'slipway.step': String(request.stepIndex),
        },
        Tty: false,
        OpenStdin: false,
        AttachStdin: false,
        AttachStdout: false,
        AttachStderr: false,
        HostConfig: hostConfig,
      },
    });
    return created.Id;
  }

  /*
   * While the container runs, three things can stop it: the step's timeout, cancel (both
   * a graceful `stop` with the grace period, after which the engine kills) and kill. The
   * first one fixes the outcome. Output arrives live (attached before the start) in
   * parallel with the wait for the exit code, and is completed from the stored log after
   * the exit.
   */
  private async superviseContainer(
    id: string,
    request: StepRequest,
    logs: ContainerLogReader,
    controls: StepControls,
  ): Promise<{ stopReason: StopReason | undefined; exitCode: number | null }> {
    let stopReason: StopReason | undefined;
    let exited = false;
    const stop = (reason: StopReason): void => {
      if (stopReason !== undefined || exited) return;
      stopReason = reason;
      const graceSeconds = Math.ceil(request.killGraceMs / 1000);
      this.api
        .send({
          method: 'POST',
          path: `/containers/${id}/stop`,
          query: { t: graceSeconds },
          timeoutMs: graceSeconds * 1000 + API_TIMEOUT_MS,
        })
        .catch(() => {
          this.kill(id);
        });
    };
    const onCancel = (): void => {
      stop(StepEnd.Cancelled);
    };
    const onKill = (): void => {
      if (exited) return;
      stopReason ??= StepEnd.Cancelled;
      this.kill(id);
    };
    controls.cancel.addEventListener('abort', onCancel, { once: true });
    controls.kill.addEventListener('abort', onKill, { once: true });
    const timeoutTimer =
      request.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stop(StepEnd.TimedOut);
          }, request.timeoutMs);
    if (controls.kill.aborted) onKill();
    else if (controls.cancel.aborted) onCancel();

    try {
      const waited = await this.api.json<{ StatusCode: number }>({
        method: 'POST',
        path: `/containers/${id}/wait`,
      });
      exited = true;
      clearTimeout(timeoutTimer);
      await logs.finish();
      return { stopReason, exitCode: waited.StatusCode < 0 ? null : waited.StatusCode };
    } finally {
      exited = true;
      clearTimeout(timeoutTimer);
      controls.cancel.removeEventListener('abort', onCancel);
      controls.kill.removeEventListener('abort', onKill);
      logs.stop();
    }
  }

  private kill(id: string): void {
    this.api
      .send({ method: 'POST', path: `/containers/${id}/kill`, timeoutMs: API_TIMEOUT_MS })
      .catch(() => undefined);
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.api.send({
        method: 'DELETE',
        path: `/containers/${id}`,
        query: { force: 1, v: 1 },
        timeoutMs: API_TIMEOUT_MS,
      });
    } catch {
      // Best effort: the step's outcome, or the error that ended it, matters more.
    }
  }
}

/** Readable and unique: `slipway-<task>-<attempt>-<step>-<random>`. */
function containerName(request: StepRequest): string {
  const task = request.taskId.replace(/[^a-zA-Z0-9_.-]+/g, '-').slice(0, 80);
  return `slipway-${task}-${request.attempt}-${request.stepIndex}-${randomBytes(4).toString('hex')}`;
}
