import { z } from 'zod';
import { permissionScope } from '../permission.js';
import { routes, type ApiRoute } from '../routes.js';
import * as access from '../schemas/access.js';
import * as agent from '../schemas/agent.js';
import * as artifacts from '../schemas/artifacts.js';
import * as common from '../schemas/common.js';
import { ErrorBody, FieldError } from '../schemas/error-body.js';
import * as health from '../schemas/health.js';
import * as logs from '../schemas/logs.js';
import * as plan from '../schemas/plan.js';
import * as projects from '../schemas/projects.js';
import * as reports from '../schemas/reports.js';
import * as runs from '../schemas/runs.js';
import * as secrets from '../schemas/secrets.js';

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** Base URL of the server, listed under `servers`. */
  readonly serverUrl?: string;
  /** Version of the API implementation. */
  readonly version?: string;
}

type JsonObject = Record<string, unknown>;

/** Named schemas, shown under `components.schemas` and referred to by `$ref`. */
const NAMED: Readonly<Record<string, z.ZodType>> = {
  ErrorBody,
  FieldError,
  Diagnostic: common.Diagnostic,
  RunStatus: common.RunStatus,
  TaskStatus: common.TaskStatus,
  AttemptOutcome: common.AttemptOutcome,
  ParamValue: common.ParamValue,
  TriggerFacts: common.TriggerFacts,
  Health: health.Health,
  Readiness: health.Readiness,
  PlanStep: plan.PlanStep,
  PlanTask: plan.PlanTask,
  Plan: plan.Plan,
  CreateProjectRequest: projects.CreateProjectRequest,
  Project: projects.Project,
  ProjectList: projects.ProjectList,
  CreateRunRequest: runs.CreateRunRequest,
  Run: runs.Run,
  RunList: runs.RunList,
  Task: runs.Task,
  RunDetail: runs.RunDetail,
  CancelRunRequest: runs.CancelRunRequest,
  LogChunk: logs.LogChunk,
  TaskLogs: logs.TaskLogs,
  RegisterAgentRequest: agent.RegisterAgentRequest,
  RegisterAgentResponse: agent.RegisterAgentResponse,
  ClaimRequest: agent.ClaimRequest,
  ExpressionContext: agent.ExpressionContext,
  ClaimedAttempt: agent.ClaimedAttempt,
  ClaimResponse: agent.ClaimResponse,
  HeartbeatRequest: agent.HeartbeatRequest,
  LeaseAnswer: agent.LeaseAnswer,
  HeartbeatResponse: agent.HeartbeatResponse,
  AgentLogsRequest: agent.AgentLogsRequest,
  FinishRequest: agent.FinishRequest,
  FinishResponse: agent.FinishResponse,
  PutSecretRequest: secrets.PutSecretRequest,
  SecretInfo: secrets.SecretInfo,
  SecretList: secrets.SecretList,
  LogStreamAttempt: logs.LogStreamAttempt,
  LogStreamEnd: logs.LogStreamEnd,
  TestCaseStatus: reports.TestCaseStatus,
  ReportTotals: reports.ReportTotals,
  TestCase: reports.TestCase,
  TestSuiteSummary: reports.TestSuiteSummary,
  TestReport: reports.TestReport,
  AgentReportRequest: reports.AgentReportRequest,
  AgentReportResponse: reports.AgentReportResponse,
  TaskTests: reports.TaskTests,
  RunTestCase: reports.RunTestCase,
  RunTests: reports.RunTests,
  Artifact: artifacts.Artifact,
  ArtifactList: artifacts.ArtifactList,
  UploadedArtifact: artifacts.UploadedArtifact,
  ProjectRole: access.ProjectRole,
  TokenKind: access.TokenKind,
  CreateTokenRequest: access.CreateTokenRequest,
  TokenInfo: access.TokenInfo,
  CreatedToken: access.CreatedToken,
  TokenList: access.TokenList,
  SetRoleRequest: access.SetRoleRequest,
  RoleBinding: access.RoleBinding,
  RoleList: access.RoleList,
};

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid request: `fields` names the invalid fields, `diagnostics` the pipeline problems',
  401: 'No bearer token, or one that is not valid; for a webhook, a signature that does not verify',
  403: "The token's user lacks the role this needs",
  404: 'Not found, or in a project the caller may not view',
  409: 'Conflict',
  413: 'Request body too large',
  500: 'Internal error',
  503: 'Unavailable',
};

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same schemas that
 * validate requests and responses.
 */
export function openApiDocument(options: OpenApiOptions = {}): JsonObject {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(NAMED)) {
    registry.add(schema, { id });
    ids.set(schema, id);
  }
  const generated = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }).schemas;
  const schemas: JsonObject = {};
  for (const [id, schema] of Object.entries(generated)) schemas[id] = withoutDialect(schema);

  const ref = (schema: z.ZodType): JsonObject => {
    const id = ids.get(schema);
    if (id !== undefined) return { $ref: `#/components/schemas/${id}` };
    return withoutDialect(z.toJSONSchema(schema, { unrepresentable: 'any' }));
  };

  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of Object.values(routes) as readonly ApiRoute[]) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, ref);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Slipway API',
      version: options.version ?? '0.1.0',
      description:
        'Projects, runs, logs and the agent protocol. Every error has the body `ErrorBody`. ' +
        'Timestamps are milliseconds since the Unix epoch.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: 'health', description: 'Liveness, readiness and this document' },
      { name: 'projects', description: 'Repositories Slipway builds' },
      { name: 'runs', description: 'Runs, their tasks and logs' },
      { name: 'agents', description: 'The protocol agents speak to claim and report work' },
      { name: 'secrets', description: "Projects' secrets, given to runs as environment variables" },
      { name: 'access', description: 'Tokens and the roles of users in projects' },
      { name: 'triggers', description: 'Webhooks and the trigger events they store' },
      { name: 'chat', description: 'Slack slash commands, approval buttons and their settings' },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

function operation(route: ApiRoute, ref: (schema: z.ZodType) => JsonObject): JsonObject {
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  const responses: Record<string, JsonObject> = {
    [String(route.status)]: route.response
      ? {
          description: 'Success',
          content: { [route.contentType ?? 'application/json']: { schema: ref(route.response) } },
        }
      : { description: 'Success, no content' },
  };
  const errors = route.auth ? [...route.errors, 401, 403, 500] : [...route.errors, 500];
  if (permissionScope(route.requires) !== null) errors.push(404);
  for (const status of [...new Set(errors)].sort((a, b) => a - b)) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/json': { schema: ref(ErrorBody) } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.auth ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.rawBody
      ? {
          requestBody: {
            required: true,
            description: 'The raw bytes, with a `Content-Length` header.',
            content: { 'application/octet-stream': { schema: { type: 'string' } } },
          },
        }
      : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.bodyOptional !== true,
            ...(route.bodyAlternative ? { description: route.bodyAlternative.description } : {}),
            content: {
              'application/json': { schema: ref(route.body) },
              ...(route.bodyAlternative
                ? {
                    [route.bodyAlternative.contentType]: {
                      schema: { type: 'string', format: 'binary' },
                    },
                  }
                : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

function parametersOf(shape: z.ZodObject | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!shape) return [];
  return Object.entries(shape.shape as Record<string, z.ZodType>).map(([name, schema]) => {
    const json = withoutDialect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
    const { description, ...rest } = json;
    return {
      name,
      in: where,
      required: where === 'path' || !schema.safeParse(undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Drops `$schema` and `$id`: the document sets the dialect, and components are named by key. */
function withoutDialect(schema: object): JsonObject {
  const rest: JsonObject = { ...schema };
  delete rest.$schema;
  delete rest.$id;
  return rest;
}
