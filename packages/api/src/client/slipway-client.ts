import type { z } from 'zod';
import { routes, type ApiRoute } from '../routes.js';
import type {
  AgentCapacity,
  AgentInfo,
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
import type { LogChunk, LogStreamEnd, ReadLogsQuery, TaskLogs } from '../schemas/logs.js';
import { encodeLogBatch, LOG_BATCH_FRAME_TYPE } from '../schemas/log-batch-frame.js';
import type { CreateProjectRequest, Project } from '../schemas/projects.js';
import type { PipelineList } from '../schemas/pipelines.js';
import type {
  CancelRunRequest,
  CreateRunRequest,
  ListRunsQuery,
  Run,
  RunDetail,
  RunList,
  Task,
} from '../schemas/runs.js';
import type { PollSettings, PutPollRequest } from '../schemas/polling.js';
import type { SecretInfo } from '../schemas/secrets.js';
import type {
  ListTriggerEventsQuery,
  PutWebhookRequest,
  TriggerEventList,
  WebhookSettings,
} from '../schemas/triggers.js';
import type {
  ProjectSlack,
  PutProjectSlackRequest,
  SlackSettings,
  SlackUser,
  SlackUserList,
} from '../schemas/chat.js';

import type {
  AutoMergeSettings,
  ForgeSettings,
  PullRequestStatus,
  PullRequestSummary,
  PutAutoMergeRequest,
  PutForgeRequest,
} from '../schemas/forges.js';
import type { Artifact, UploadedArtifact } from '../schemas/artifacts.js';
import type {
  AgentReportRequest,
  AgentReportResponse,
  ListTestsQuery,
  RunTests,
} from '../schemas/reports.js';
import type {
  CallerAccess,
  CreatedToken,
  CreateTokenRequest,
  Group,
  GroupList,
  GroupMember,
  ProjectRole,
  RoleBinding,
  TokenInfo,
} from '../schemas/access.js';
import { ApiError } from './api-error.js';
import { followLogStream, type FollowLogsOptions } from './follow-log-stream.js';

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
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as it is, instead of a JSON body. */
  readonly raw?: { readonly type: string; readonly bytes: Uint8Array };
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

  /** The pipelines of a project's default branch with their typed params. */
  /** Changes a project's default branch (project admins); the branch must exist. */
  putProjectDefaultBranch(project: string, branch: string, call?: CallOptions): Promise<Project> {
    return this.call(
      routes.putProjectDefaultBranch,
      { params: { project }, body: { branch } },
      call,
    );
  }

  listPipelines(project: string, call?: CallOptions): Promise<PipelineList> {
    return this.call(routes.listPipelines, { params: { project } }, call);
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

  /** Approves an approval task that awaits a decision; answers the task as it is now. */
  approveTask(runId: string, taskId: string, comment?: string, call?: CallOptions): Promise<Task> {
    return this.decideApproval(runId, taskId, 'approve', comment, call);
  }

  /** Rejects an approval task that awaits a decision, which fails it. */
  rejectTask(runId: string, taskId: string, comment?: string, call?: CallOptions): Promise<Task> {
    return this.decideApproval(runId, taskId, 'reject', comment, call);
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

  /** Sends a log batch as a frame ({@link encodeLogBatch}), not as JSON. */
  async sendLogs(body: AgentLogsRequest, call?: CallOptions): Promise<void> {
    const raw = { type: LOG_BATCH_FRAME_TYPE, bytes: encodeLogBatch(body) };
    await this.call(routes.sendLogs, { raw }, call);
  }

  finish(body: FinishRequest, call?: CallOptions): Promise<FinishResponse> {
    return this.call(routes.finish, { body }, call);
  }

  /** Creates or replaces a project's secret; the value is never returned. */
  putSecret(project: string, name: string, value: string, call?: CallOptions): Promise<SecretInfo> {
    return this.call(routes.putSecret, { params: { project, name }, body: { value } }, call);
  }

  /** Names and times of a project's secrets. */
  async listSecrets(project: string, call?: CallOptions): Promise<SecretInfo[]> {
    return (await this.call(routes.listSecrets, { params: { project } }, call)).secrets;
  }

  async deleteSecret(project: string, name: string, call?: CallOptions): Promise<void> {
    await this.call(routes.deleteSecret, { params: { project, name } }, call);
  }

  /** Sets a project's webhook forge and secret (the secret is never returned). */
  putProjectWebhook(
    project: string,
    body: PutWebhookRequest,
    call?: CallOptions,
  ): Promise<WebhookSettings> {
    return this.call(routes.putProjectWebhook, { params: { project }, body }, call);
  }

  getProjectWebhook(project: string, call?: CallOptions): Promise<WebhookSettings> {
    return this.call(routes.getProjectWebhook, { params: { project } }, call);
  }

  /** Polls a project's repository every `intervalSeconds`. */
  putProjectPoll(project: string, body: PutPollRequest, call?: CallOptions): Promise<PollSettings> {
    return this.call(routes.putProjectPoll, { params: { project }, body }, call);
  }

  getProjectPoll(project: string, call?: CallOptions): Promise<PollSettings> {
    return this.call(routes.getProjectPoll, { params: { project } }, call);
  }

  async deleteProjectPoll(project: string, call?: CallOptions): Promise<void> {
    await this.call(routes.deleteProjectPoll, { params: { project } }, call);
  }

  /** Sets the Slack app's signing secret (server admins; never returned). */
  putSlackSettings(signingSecret: string, call?: CallOptions): Promise<SlackSettings> {
    return this.call(routes.putSlackSettings, { body: { signingSecret } }, call);
  }

  getSlackSettings(call?: CallOptions): Promise<SlackSettings> {
    return this.call(routes.getSlackSettings, {}, call);
  }

  listSlackUsers(call?: CallOptions): Promise<SlackUserList> {
    return this.call(routes.listSlackUsers, {}, call);
  }

  /** Maps a Slack user id to a Slipway user (server admins). */
  putSlackUser(slackUser: string, user: string, call?: CallOptions): Promise<SlackUser> {
    return this.call(routes.putSlackUser, { params: { slackUser }, body: { user } }, call);
  }

  async deleteSlackUser(slackUser: string, call?: CallOptions): Promise<void> {
    await this.call(routes.deleteSlackUser, { params: { slackUser } }, call);
  }

  /** Sets the Slack channel a project's approval requests go to (the URL is never returned). */
  putProjectSlack(
    project: string,
    body: PutProjectSlackRequest,
    call?: CallOptions,
  ): Promise<ProjectSlack> {
    return this.call(routes.putProjectSlack, { params: { project }, body }, call);
  }

  getProjectSlack(project: string, call?: CallOptions): Promise<ProjectSlack> {
    return this.call(routes.getProjectSlack, { params: { project } }, call);
  }

  async deleteProjectSlack(project: string, call?: CallOptions): Promise<void> {
    await this.call(routes.deleteProjectSlack, { params: { project } }, call);
  }

  /** Closes a project's open poll breaker (admins only). */
  resetProjectPoll(project: string, call?: CallOptions): Promise<PollSettings> {
    return this.call(routes.resetProjectPoll, { params: { project } }, call);
  }

  /** Sets where a project's runs report to its forge (the token is never returned). */
  putProjectForge(
    project: string,
    body: PutForgeRequest,
    call?: CallOptions,
  ): Promise<ForgeSettings> {
    return this.call(routes.putProjectForge, { params: { project }, body }, call);
  }

  getProjectForge(project: string, call?: CallOptions): Promise<ForgeSettings> {
    return this.call(routes.getProjectForge, { params: { project } }, call);
  }

  /** Turns a project's auto-merge on (with a merge method) or off (project admins). */
  putProjectAutoMerge(
    project: string,
    body: PutAutoMergeRequest,
    call?: CallOptions,
  ): Promise<AutoMergeSettings> {
    return this.call(routes.putProjectAutoMerge, { params: { project }, body }, call);
  }

  /** A project's pull requests as recorded (open or closed), highest number first. */
  async listPullRequests(project: string, call?: CallOptions): Promise<PullRequestSummary[]> {
    return (await this.call(routes.listPullRequests, { params: { project } }, call)).pulls;
  }

  /** What is recorded about a pull request of a project. */
  getPullRequestStatus(
    project: string,
    number: number,
    call?: CallOptions,
  ): Promise<PullRequestStatus> {
    return this.call(
      routes.getPullRequestStatus,
      { params: { project, number: String(number) } },
      call,
    );
  }

  /** A project's trigger events, newest first. */
  listTriggerEvents(
    project: string,
    query: ListTriggerEventsQuery = {},
    call?: CallOptions,
  ): Promise<TriggerEventList> {
    return this.call(routes.listTriggerEvents, { params: { project }, query }, call);
  }

  /**
   * Follows a task's output as it is written (server-sent events): yields each chunk, and
   * returns once the attempt has settled and every chunk was yielded. Resumes after a
   * dropped connection from the last chunk received. Stop early with `break` or
   * `options.signal`.
   */
  followTaskLogs(
    runId: string,
    taskId: string,
    options: FollowLogsOptions = {},
  ): AsyncGenerator<LogChunk, LogStreamEnd, undefined> {
    return followLogStream(async (position, signal) => {
      const query = { after: position.after, attempt: position.attempt };
      const params = { id: runId, task: taskId };
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
      const response = await this.fetchFn(this.url(routes.followTaskLogs, { params, query }), {
        method: 'GET',
        headers,
        ...(signal ? { signal } : {}),
      });
      if (!response.ok) throw await errorOf(response);
      if (response.body === null) throw new Error('the log stream has no body');
      return response.body;
    }, options);
  }

  /** A new run of the same project, pipeline, commit and params, compiled anew. */
  rerunRun(id: string, call?: CallOptions): Promise<Run> {
    return this.call(routes.rerunRun, { params: { id } }, call);
  }

  /**
   * A new run of a finished run's frozen plan that runs again only the tasks that did not
   * succeed; the others keep their results, reports and artifacts.
   */
  retryRun(id: string, call?: CallOptions): Promise<Run> {
    return this.call(routes.retryRun, { params: { id } }, call);
  }

  /** A run's test totals per task and a page of its cases, failed ones first. */
  listTests(id: string, query: ListTestsQuery = {}, call?: CallOptions): Promise<RunTests> {
    return this.call(routes.listTests, { params: { id }, query }, call);
  }

  async listArtifacts(id: string, call?: CallOptions): Promise<Artifact[]> {
    return (await this.call(routes.listArtifacts, { params: { id } }, call)).artifacts;
  }

  /**
   * Starts downloading an artifact; resolves with the response once the server answered
   * with success (`Content-Length` tells the size), so the caller reads or streams its body.
   */
  async downloadArtifact(
    runId: string,
    taskId: string,
    path: string,
    call?: CallOptions,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/octet-stream' };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    const params = { id: runId, task: taskId, path };
    const response = await this.fetchFn(this.url(routes.downloadArtifact, { params }), {
      method: 'GET',
      headers,
      ...(call?.signal ? { signal: call.signal } : {}),
    });
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  sendReport(body: AgentReportRequest, call?: CallOptions): Promise<AgentReportResponse> {
    return this.call(routes.sendReport, { body }, call);
  }

  /**
   * Uploads one artifact file of an attempt the agent holds. `content` is sent as it is,
   * streamed when it is a stream, with `size` as its `Content-Length`.
   */
  async uploadArtifact(
    upload: {
      readonly agentId: string;
      readonly attemptId: string;
      readonly path: string;
      readonly size: number;
      readonly content: NonNullable<RequestInit['body']>;
    },
    call?: CallOptions,
  ): Promise<UploadedArtifact> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'content-type': 'application/octet-stream',
      'content-length': String(upload.size),
    };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    const route = routes.uploadArtifact;
    const url = this.url(route, {
      params: { attemptId: upload.attemptId, path: upload.path },
      query: { agentId: upload.agentId },
    });
    const init: RequestInit & { duplex: 'half' } = {
      method: route.method,
      headers,
      body: upload.content,
      duplex: 'half',
      ...(call?.signal ? { signal: call.signal } : {}),
    };
    const response = await this.fetchFn(url, init);
    if (!response.ok) throw await errorOf(response);
    return route.response.parse(await response.json());
  }

  /** Makes a token (admin only); the answer holds the token, shown only this once. */
  createToken(body: CreateTokenRequest, call?: CallOptions): Promise<CreatedToken> {
    return this.call(routes.createToken, { body }, call);
  }

  /** The agents the server process has heard from since it started (admins only). */
  async listAgents(call?: CallOptions): Promise<AgentInfo[]> {
    return (await this.call(routes.listAgents, {}, call)).agents;
  }

  /** Connected agents, their slots, the busy ones and the attempts waiting (every user). */
  getCapacity(call?: CallOptions): Promise<AgentCapacity> {
    return this.call(routes.getCapacity, {}, call);
  }

  /** Every token, without the tokens themselves. */
  async listTokens(call?: CallOptions): Promise<TokenInfo[]> {
    return (await this.call(routes.listTokens, {}, call)).tokens;
  }

  /** Revokes a token at once, on every server. */
  async deleteToken(id: string, call?: CallOptions): Promise<void> {
    await this.call(routes.deleteToken, { params: { id } }, call);
  }

  /** Gives a user a role in a project (by id or name), replacing the one they had. */
  setRole(
    project: string,
    user: string,
    role: ProjectRole,
    call?: CallOptions,
  ): Promise<RoleBinding> {
    return this.call(routes.setRole, { params: { project, user }, body: { role } }, call);
  }

  async listRoles(project: string, call?: CallOptions): Promise<RoleBinding[]> {
    return (await this.call(routes.listRoles, { params: { project } }, call)).roles;
  }

  /** The caller's user, whether they are an admin, and their role in each project. */
  getAccess(call?: CallOptions): Promise<CallerAccess> {
    return this.call(routes.getAccess, {}, call);
  }

  async deleteRole(project: string, user: string, call?: CallOptions): Promise<void> {
    await this.call(routes.deleteRole, { params: { project, user } }, call);
  }

  /** The groups of users (admins only), by name, with how many members each has. */
  async listGroups(call?: CallOptions): Promise<GroupList['groups']> {
    return (await this.call(routes.listGroups, {}, call)).groups;
  }

  /** A group and its members (admins only). */
  getGroup(group: string, call?: CallOptions): Promise<Group> {
    return this.call(routes.getGroup, { params: { group } }, call);
  }

  /** Makes a user a member of a group (admins only); adding again changes nothing. */
  addGroupMember(group: string, user: string, call?: CallOptions): Promise<GroupMember> {
    return this.call(routes.addGroupMember, { params: { group, user } }, call);
  }

  /** Takes a user out of a group (admins only). */
  async removeGroupMember(group: string, user: string, call?: CallOptions): Promise<void> {
    await this.call(routes.removeGroupMember, { params: { group, user } }, call);
  }

  private decideApproval(
    runId: string,
    taskId: string,
    decision: 'approve' | 'reject',
    comment: string | undefined,
    call: CallOptions | undefined,
  ): Promise<Task> {
    const body = comment === undefined ? { decision } : { decision, comment };
    return this.call(routes.decideApproval, { params: { id: runId, task: taskId }, body }, call);
  }

  private async call<R extends ApiRoute>(
    route: R,
    request: Request,
    call: CallOptions | undefined,
  ): Promise<R['response'] extends z.ZodType ? z.infer<R['response']> : undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    let body: string | Uint8Array | undefined;
    if (request.raw !== undefined) {
      headers['content-type'] = request.raw.type;
      body = request.raw.bytes;
    } else if (request.body !== undefined) {
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
      if (name === route.pathRest) return value.split('/').map(encodeURIComponent).join('/');
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
      message:
        `HTTP ${response.status}, answered not as a Slipway server does: is this the address of one?` +
        (text ? ` It said: ${text.slice(0, 200)}` : ''),
    },
  });
}
