import { z } from 'zod';
import {
  AgentLogsRequest,
  ClaimRequest,
  ClaimResponse,
  FinishRequest,
  FinishResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  RegisterAgentRequest,
  RegisterAgentResponse,
} from './schemas/agent.js';
import { Health, Readiness } from './schemas/health.js';
import { ReadLogsQuery, TaskLogs } from './schemas/logs.js';
import { CreateProjectRequest, Project, ProjectList, ProjectPath } from './schemas/projects.js';
import {
  CancelRunRequest,
  CreateRunRequest,
  ListRunsQuery,
  Run,
  RunDetail,
  RunList,
  RunPath,
  TaskPath,
} from './schemas/runs.js';

/**
 * One operation of the HTTP API. The server validates with these schemas, the client
 * sends and parses with them, and the OpenAPI document is generated from them.
 */
export interface ApiRoute {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  /** Path with `:name` placeholders. */
  readonly path: string;
  readonly summary: string;
  readonly tag: 'health' | 'projects' | 'runs' | 'agents';
  /** Whether the route needs `Authorization: Bearer TOKEN`. */
  readonly auth: boolean;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** True when the body may be left out altogether. */
  readonly bodyOptional?: boolean;
  /** Status of a successful response. */
  readonly status: 200 | 201 | 204;
  /** Body of a successful response; null for none. */
  readonly response: z.ZodType | null;
  /** Error statuses the route may answer with besides 401, 403 and 500. */
  readonly errors: readonly number[];
}

const OpenApiJson = z.record(z.string(), z.unknown());

/** Every operation of the API, by operation id. */
export const routes = {
  health: {
    operationId: 'health',
    method: 'GET',
    path: '/healthz',
    summary: 'Whether the process is alive',
    tag: 'health',
    auth: false,
    status: 200,
    response: Health,
    errors: [],
  },
  readiness: {
    operationId: 'readiness',
    method: 'GET',
    path: '/readyz',
    summary: 'Whether the server can serve requests (its store is reachable)',
    tag: 'health',
    auth: false,
    status: 200,
    response: Readiness,
    errors: [503],
  },
  openApi: {
    operationId: 'openApi',
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document',
    tag: 'health',
    auth: false,
    status: 200,
    response: OpenApiJson,
    errors: [],
  },
  createProject: {
    operationId: 'createProject',
    method: 'POST',
    path: '/api/projects',
    summary: 'Register a repository by Git URL or local path',
    tag: 'projects',
    auth: true,
    body: CreateProjectRequest,
    status: 201,
    response: Project,
    errors: [400, 409],
  },
  listProjects: {
    operationId: 'listProjects',
    method: 'GET',
    path: '/api/projects',
    summary: 'List projects',
    tag: 'projects',
    auth: true,
    status: 200,
    response: ProjectList,
    errors: [],
  },
  getProject: {
    operationId: 'getProject',
    method: 'GET',
    path: '/api/projects/:project',
    summary: 'Show a project by id or name',
    tag: 'projects',
    auth: true,
    params: ProjectPath,
    status: 200,
    response: Project,
    errors: [404],
  },
  createRun: {
    operationId: 'createRun',
    method: 'POST',
    path: '/api/projects/:project/runs',
    summary: 'Run a pipeline of a project at a ref',
    tag: 'runs',
    auth: true,
    params: ProjectPath,
    body: CreateRunRequest,
    bodyOptional: true,
    status: 201,
    response: Run,
    errors: [400, 404],
  },
  listRuns: {
    operationId: 'listRuns',
    method: 'GET',
    path: '/api/runs',
    summary: 'List runs, newest first',
    tag: 'runs',
    auth: true,
    query: ListRunsQuery,
    status: 200,
    response: RunList,
    errors: [400, 404],
  },
  getRun: {
    operationId: 'getRun',
    method: 'GET',
    path: '/api/runs/:id',
    summary: 'Show a run with its plan and tasks',
    tag: 'runs',
    auth: true,
    params: RunPath,
    status: 200,
    response: RunDetail,
    errors: [404],
  },
  cancelRun: {
    operationId: 'cancelRun',
    method: 'POST',
    path: '/api/runs/:id/cancel',
    summary: 'Cancel a run (a finished run is left as it is)',
    tag: 'runs',
    auth: true,
    params: RunPath,
    body: CancelRunRequest,
    bodyOptional: true,
    status: 200,
    response: Run,
    errors: [400, 404],
  },
  readTaskLogs: {
    operationId: 'readTaskLogs',
    method: 'GET',
    path: '/api/runs/:id/tasks/:task/logs',
    summary: "Read the output of a task's latest attempt",
    tag: 'runs',
    auth: true,
    params: TaskPath,
    query: ReadLogsQuery,
    status: 200,
    response: TaskLogs,
    errors: [400, 404],
  },
  registerAgent: {
    operationId: 'registerAgent',
    method: 'POST',
    path: '/api/agent/register',
    summary: 'Register an agent',
    tag: 'agents',
    auth: true,
    body: RegisterAgentRequest,
    status: 200,
    response: RegisterAgentResponse,
    errors: [400],
  },
  claim: {
    operationId: 'claim',
    method: 'POST',
    path: '/api/agent/claim',
    summary: 'Claim attempts to run, waiting up to waitMs for work',
    tag: 'agents',
    auth: true,
    body: ClaimRequest,
    status: 200,
    response: ClaimResponse,
    errors: [400],
  },
  heartbeat: {
    operationId: 'heartbeat',
    method: 'POST',
    path: '/api/agent/heartbeat',
    summary: 'Renew the leases of running attempts and learn which to stop',
    tag: 'agents',
    auth: true,
    body: HeartbeatRequest,
    status: 200,
    response: HeartbeatResponse,
    errors: [400],
  },
  sendLogs: {
    operationId: 'sendLogs',
    method: 'POST',
    path: '/api/agent/logs',
    summary: 'Append log chunks (at most 1 MiB per request)',
    tag: 'agents',
    auth: true,
    body: AgentLogsRequest,
    status: 204,
    response: null,
    errors: [400, 413],
  },
  finish: {
    operationId: 'finish',
    method: 'POST',
    path: '/api/agent/finish',
    summary: 'Report how an attempt ended',
    tag: 'agents',
    auth: true,
    body: FinishRequest,
    status: 200,
    response: FinishResponse,
    errors: [400],
  },
} as const satisfies Record<string, ApiRoute>;

export type RouteName = keyof typeof routes;
