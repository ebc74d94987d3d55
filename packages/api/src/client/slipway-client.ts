import type { z } from 'zod';
import { routes, type ApiRoute } from '../routes.js';
import type {
  AgentLogsRequest,
  ClaimRequest,
  ClaimResponse,
  FinishRequest,
  FinishResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  RegisterAgentRequest,
  RegisterAgentResponse,
} from '../schemas/agent.js';
import { ErrorBody, ErrorCode } from '../schemas/error-body.js';
import type { Health, Readiness } from '../schemas/health.js';
import type { ReadLogsQuery, TaskLogs } from '../schemas/logs.js';
import type { CreateProjectRequest, Project } from '../schemas/projects.js';
import type {
  CancelRunRequest,
  CreateRunRequest,
  ListRunsQuery,
  Run,
  RunDetail,
  RunList,
} from '../schemas/runs.js';
import { ApiError } from './api-error.js';

/** How a {@link SlipwayClient} reaches the server. */
export interface SlipwayClientOptions {
  /** Such as `http://127.0.0.1:7070`; a trailing slash is ignored. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer TOKEN`. */
  readonly token?: string | undefined;
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

/** Per-call options. */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
}

interface Request {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
}

/**
 * A typed client of the Slipway API. Responses are validated against the API schemas;
 * an error response rejects with an {@link ApiError} carrying its body.
 */
export class SlipwayClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: SlipwayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  health(call?: CallOptions): Promise<Health> {
    return this.call(routes.health, {}, call);
  }

  readiness(call?: CallOptions): Promise<Readiness> {
    return this.call(routes.readiness, {}, call);
  }

  /** The OpenAPI document the server serves. */
  openApi(call?: CallOptions): Promise<Record<string, unknown>> {
    return this.call(routes.openApi, {}, call);
  }

  createProject(body: CreateProjectRequest, call?: CallOptions): Promise<Project> {
    return this.call(routes.createProject, { body }, call);
  }

  async listProjects(call?: CallOptions): Promise<Project[]> {
    return (await this.call(routes.listProjects, {}, call)).projects;
  }

  /** By id or name. */
  getProject(project: string, call?: CallOptions): Promise<Project> {
    return this.call(routes.getProject, { params: { project } }, call);
  }

  createRun(project: string, body: CreateRunRequest = {}, call?: CallOptions): Promise<Run> {
    return this.call(routes.createRun, { params: { project }, body }, call);
  }

  listRuns(query: ListRunsQuery = {}, call?: CallOptions): Promise<RunList> {
    return this.call(routes.listRuns, { query }, call);
  }

  getRun(id: string, call?: CallOptions): Promise<RunDetail> {
    return this.call(routes.getRun, { params: { id } }, call);
  }

  cancelRun(id: string, body: CancelRunRequest = {}, call?: CallOptions): Promise<Run> {
    return this.call(routes.cancelRun, { params: { id }, body }, call);
  }

  readTaskLogs(
    runId: string,
    taskId: string,
    query: ReadLogsQuery = {},
    call?: CallOptions,
  ): Promise<TaskLogs> {
    return this.call(routes.readTaskLogs, { params: { id: runId, task: taskId }, query }, call);
  }

  registerAgent(body: RegisterAgentRequest, call?: CallOptions): Promise<RegisterAgentResponse> {
    return this.call(routes.registerAgent, { body }, call);
  }

  /** Long-polls: resolves when work exists or after `waitMs` with no attempts. */
  claim(body: ClaimRequest, call?: CallOptions): Promise<ClaimResponse> {
    return this.call(routes.claim, { body }, call);
  }

  heartbeat(body: HeartbeatRequest, call?: CallOptions): Promise<HeartbeatResponse> {
    return this.call(routes.heartbeat, { body }, call);
  }

  async sendLogs(body: AgentLogsRequest, call?: CallOptions): Promise<void> {
    await this.call(routes.sendLogs, { body }, call);
  }

  finish(body: FinishRequest, call?: CallOptions): Promise<FinishResponse> {
    return this.call(routes.finish, { body }, call);
  }

  private async call<R extends ApiRoute>(
    route: R,
    request: Request,
    call: CallOptions | undefined,
  ): Promise<R['response'] extends z.ZodType ? z.infer<R['response']> : undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const response = await this.fetchFn(this.url(route, request), {
      method: route.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(call?.signal ? { signal: call.signal } : {}),
    });
    if (!response.ok) throw await errorOf(response);
    if (route.response === null) {
      await response.body?.cancel();
      return undefined as never;
    }
    const json: unknown = await response.json();
    return route.response.parse(json) as never;
  }

  private url(route: ApiRoute, request: Request): string {
    const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
      const value = request.params?.[name];
      if (value === undefined) throw new Error(`missing path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const query = search.toString();
    return `${this.baseUrl}${path}${query ? `?${query}` : ''}`;
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: described below from the status.
  }
  const parsed = ErrorBody.safeParse(json);
  if (parsed.success) return new ApiError(response.status, parsed.data);
  return new ApiError(response.status, {
    error: {
      code: response.status >= 500 ? ErrorCode.Internal : ErrorCode.InvalidRequest,
      message: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
    },
  });
}
