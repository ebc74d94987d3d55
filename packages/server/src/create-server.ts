import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  TriggerEventStatus,
  type ControlStore,
  type ClaimedTriggerEvent,
  type NewTriggerEvent,
  type TriggerEventRecord,
} from '@slipway/core';
import { GroupCommit } from './loops/group-commit.js';
import { createLocalStepExecutor } from '@slipway/executors/step-runner';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { AgentRegistry } from './agents/agent-registry.js';
import { agentRoutes } from './agents/agent-routes.js';
import { attemptEnds } from './agents/attempt-ends.js';
import { accessRoutes } from './auth/access-routes.js';
import { groupRoutes } from './auth/group-routes.js';
import { ensureAdminToken } from './auth/admin-token.js';
import { installAuthorization } from './auth/authorize-requests.js';
import { TokenAuthenticator } from './auth/token-authenticator.js';
import { metricsRoute } from './metrics/metrics-route.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import type { ServerConfig } from './config/server-config.js';
import { CommitPipelines } from './git/commit-pipelines.js';
import { RepositoryCache } from './git/repository-cache.js';
import { installErrorHandling } from './http/error-handler.js';
import { healthRoutes } from './http/health-routes.js';
import { pipelineRoutes } from './projects/pipeline-routes.js';
import { projectRoutes } from './projects/project-routes.js';
import { runRoutes } from './runs/run-routes.js';
import { RunDriver } from './scheduler/run-driver.js';
import { SchedulerLoop } from './scheduler/scheduler-loop.js';
import { TaskDeadlines } from './scheduler/task-deadlines.js';
import { WorkSignal } from './scheduler/work-signal.js';
import { followLogsRoute } from './logs/follow-logs-route.js';
import { LogIntake } from './logs/log-intake.js';
import { LogNotifier } from './logs/log-notifier.js';
import { loadSecretKey } from './secrets/load-secret-key.js';
import { ProjectSecrets } from './secrets/project-secrets.js';
import { SecretBox } from './secrets/secret-box.js';
import { SecretMaskers } from './secrets/secret-maskers.js';
import { verifySecretKey } from './secrets/verify-secret-key.js';
import { secretRoutes } from './secrets/secret-routes.js';
import { ArtifactFiles } from './artifacts/artifact-files.js';
import { artifactRoutes } from './artifacts/artifact-routes.js';
import { reportRoutes } from './reports/report-routes.js';
import { RetentionLoop } from './retention/retention-loop.js';
import { rerunRoutes } from './runs/rerun-routes.js';
import { processTriggerEvent } from './triggers/process-trigger-event.js';
import { recordCompletionEvents } from './triggers/record-completion-events.js';
import { ScheduleLoop } from './triggers/schedule-loop.js';
import { PollLoop } from './triggers/poll-loop.js';
import { pollRoutes } from './triggers/poll-routes.js';
import { TriggerLoop } from './triggers/trigger-loop.js';
import { triggerRoutes } from './triggers/trigger-routes.js';
import { webhookRoute } from './triggers/webhook-route.js';
import { WebhookSecrets } from './triggers/webhook-secrets.js';
import { DEFAULT_WEB_DIR, installWebUi, isPageRequest } from './web/web-ui.js';
import { CommitStatusLoop } from './forges/commit-status-loop.js';
import { forgeRoutes } from './forges/forge-routes.js';
import { ProjectForges } from './forges/project-forges.js';
import { recordCommitStatuses } from './forges/record-commit-statuses.js';
import { holdForkRuns } from './pulls/hold-fork-runs.js';
import { pullRequestRoutes } from './pulls/pull-request-routes.js';
import { PullRequestCommands } from './pulls/pull-request-commands.js';
import { AutoMerge } from './pulls/auto-merge.js';
import { MergeLoop } from './pulls/merge-loop.js';
import { autoMergeRoutes } from './pulls/auto-merge-routes.js';
import type { TriggerEventResult } from './triggers/process-trigger-event.js';
import { BackgroundWork } from './chat/background-work.js';
import { SlackApprovalRequests } from './chat/slack-approval-requests.js';
import { SlackCommands } from './chat/slack-commands.js';
import { slackIntakeRoutes } from './chat/slack-intake-routes.js';
import { SlackSecrets } from './chat/slack-secrets.js';
import { slackSettingsRoutes } from './chat/slack-settings-routes.js';

/** What the server is built from besides its configuration. */
export interface ServerDeps {
  readonly store: ControlStore;
  /** Wall-clock time in milliseconds; `Date.now` by default. */
  readonly now?: () => number;
  /**
   * Agent tokens accepted besides the tokens in the store, held in memory only, such as a
   * token made at start-up for an embedded agent. Like every agent token, they are
   * accepted only by the agent protocol routes.
   */
  readonly extraTokens?: readonly string[];
  /**
   * Admin tokens held in memory only, for the process that started the server (such as
   * `slipway up --demo`, which registers and triggers its project with one). Never shown.
   */
  readonly localAdminTokens?: readonly string[];
  /** Log problems and events as JSON lines on stderr, at the configured level (default true). */
  readonly logger?: boolean;
  /**
   * Run the scheduler, trigger, schedule, poll and retention loops once the app is ready
   * (default true);
   * tests may drive them.
   */
  readonly startScheduler?: boolean;
  /** Time between keep-alive comments on log streams (default 15 s); tests shorten it. */
  readonly logKeepAliveMs?: number;
}

/** A server built by {@link createServer}, not yet listening. */
export interface SlipwayServer {
  readonly app: FastifyInstance;
  readonly scheduler: SchedulerLoop;
  readonly driver: RunDriver;
  readonly agents: AgentRegistry;
  /** The admin token when this call made it (the first start), to be shown once; else null. */
  readonly adminToken: string | null;
  readonly metrics: ServerMetrics;
  /** Handles stored trigger events (webhook deliveries) in the background. */
  readonly triggers: TriggerLoop;
  /** Reads default-branch pipelines and fires cron ticks (one replica at a time). */
  readonly schedules: ScheduleLoop;
  /** Polls the repositories of projects that asked for it (one replica at a time). */
  readonly polls: PollLoop;
  /** Delivers commit statuses to forges in the background. */
  readonly commitStatuses: CommitStatusLoop;
  /** Merges the pull requests auto-merge found ready, in the background. */
  readonly merges: MergeLoop;
}

/** Largest request body, except where a route sets its own limit. */
const BODY_LIMIT = 1024 * 1024;
/** How often log followers look for output stored through other replicas. */
const LOG_POLL_MS = 500;
/** Time between keep-alive comments on log streams. */
const LOG_KEEP_ALIVE_MS = 15_000;
/** How long, once stopping, requests in flight have before their connections are closed. */
const CLOSE_CONNECTIONS_AFTER_MS = 2000;

/**
 * The composition root of the control plane: builds the HTTP app with its routes, auth
 * and error handling, the scheduler loop and the fetch cache over `deps.store`. It
 * refuses to build (a `UserError`) when the secret key does not decrypt the stored
 * secrets. The
 * scheduler loop starts when the app is ready and stops, with waiting claims released,
 * when it closes. The store is the caller's to close.
 */
export async function createServer(config: ServerConfig, deps: ServerDeps): Promise<SlipwayServer> {
  const { store } = deps;
  const now = deps.now ?? Date.now;
  const secretBox = new SecretBox(await loadSecretKey(config));
  await verifySecretKey(store, secretBox, config);
  const adminToken = await ensureAdminToken(store, config.dataDir, now());
  const app = Fastify({
    // stdout is left to the commands that start a server, for their own output.
    logger: deps.logger === false ? false : { level: config.logLevel, stream: process.stderr },
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // Agents call every few seconds; problems are logged where they are handled.
    logController: new LogController({ disableRequestLogging: true }),
  });

  const work = new WorkSignal();
  const agents = new AgentRegistry(store, {
    onError: (error) => {
      app.log.error({ err: error }, 'agents: could not record when agents were last seen');
    },
  });
  const metrics = new ServerMetrics({ store, agents, leaseMs: config.leaseMs, now });
  let wakeTriggers = (): void => undefined;
  let approvalsWaiting = (_runId: string, _taskIds: readonly string[]): void => undefined;

  let reevaluateRun = (_runId: string): Promise<void> => Promise.resolve();
  const driver = new RunDriver(store, work, now, {
    onApprovalsWaiting: (runId, taskIds) => {
      approvalsWaiting(runId, taskIds);
    },
    onAdmitError: (error, group) => {
      app.log.error({ err: error }, `scheduler: could not admit runs of group ${group.group}`);
    },
    onRunFinished: async (runId) => {
      try {
        const stored = await recordCompletionEvents(store, runId, now());
        if (stored > 0) {
          metrics.completionEventsRecorded(stored);
          wakeTriggers();
        }
      } catch (error) {
        app.log.error({ err: error }, `triggers: could not record the end of run ${runId}`);
      }
      await reevaluateRun(runId);
    },
  });
  const scheduler = new SchedulerLoop(store, driver, {
    intervalMs: config.schedulerIntervalMs,
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now,
    onError: (error, what) => {
      app.log.error({ err: error }, `scheduler: could not ${what}`);
    },
    onAttemptsLost: (count) => {
      metrics.attemptsLost(count);
    },
    onOutcomeApplied: (outcome) => {
      metrics.outcomeApplied(outcome);
    },
    deadlines: new TaskDeadlines(store, { graceMs: config.taskTimeoutGraceMs, batch: 1000 }),
  });
  // Git starts from a small child process: a fork from this one, with its larger heap,
  // costs several times as much, and blocks every request while it lasts.
  const gitRunner = createLocalStepExecutor();
  const repositories = new RepositoryCache(
    join(config.dataDir, 'cache', 'repos'),
    join(config.dataDir, 'tmp'),
    (file, args, options) => gitRunner.execFile(file, args, options),
  );
  let stopping = false;
  let closeConnections: NodeJS.Timeout | undefined;
  const secrets = new ProjectSecrets(store, secretBox, now);
  const webhooks = new WebhookSecrets(store, secretBox, now);
  const maskers = new SecretMaskers(store, secrets);
  const logNotifier = new LogNotifier();
  const logs = new LogIntake({
    store,
    maskers,
    notifier: logNotifier,
    maxStepLogBytes: config.maxStepLogBytes,
  });

  const page = await installWebUi(app, config.webDir ?? DEFAULT_WEB_DIR);
  installErrorHandling(app, { claims: isPageRequest, answer: page });
  metricsRoute(app, metrics);
  installAuthorization(app, {
    store,
    authenticator: new TokenAuthenticator(
      store,
      deps.extraTokens ?? [],
      now,
      deps.localAdminTokens ?? [],
    ),
  });
  accessRoutes(app, { store, now });
  groupRoutes(app, { store, now });
  healthRoutes(app, store, () => stopping);
  projectRoutes(app, store);
  const pipelines = new CommitPipelines(repositories, join(config.dataDir, 'cache', 'templates'));
  const runContext = {
    store,
    repositories,
    pipelines,
    driver,
    runCapacity: config.runCapacity,
    now,
  };
  runRoutes(app, runContext);
  agentRoutes(app, {
    store,
    finishes: attemptEnds({
      store,
      driver,
      now,
      onOutcomeApplied: (outcome) => {
        metrics.outcomeApplied(outcome);
      },
      onApplyError: (error) => {
        app.log.error(
          { err: error },
          'agents: could not apply attempt ends as they were reported; recorded them for the scheduler',
        );
      },
      wakeScheduler: () => {
        scheduler.wake();
      },
    }),
    work,
    now,
    leaseMs: config.leaseMs,
    maxStepLogBytes: config.maxStepLogBytes,
    claimWaitMaxMs: config.claimWaitMaxMs,
    claimPollMs: config.claimPollMs,
    onClaimed: (claimed, at) => {
      metrics.attemptsClaimed(claimed, at);
    },
    agents,
    secrets,
    maskers,
    logs,
    logNotifier,
  });
  secretRoutes(app, { store, secrets });
  followLogsRoute(app, {
    store,
    notifier: logNotifier,
    pollMs: LOG_POLL_MS,
    keepAliveMs: deps.logKeepAliveMs ?? LOG_KEEP_ALIVE_MS,
  });

  const forges = new ProjectForges(store, secretBox, {
    allowPrivateUrls: config.forgeAllowPrivateUrls,
    now,
    http: {
      onRequest: (request) => {
        metrics.forgeRequest(request.host, request.status, request.success);
      },
    },
  });
  const publicUrl = (): string => {
    if (config.publicUrl !== undefined) return config.publicUrl;
    const address = app.server.address();
    if (typeof address === 'object' && address !== null) {
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    }
    return `http://${config.host}:${config.port}`;
  };
  const commitStatuses = new CommitStatusLoop(store, forges, {
    now,
    onDelivery: (result) => {
      metrics.commitStatusDelivery(result);
    },
    onError: (error) => {
      app.log.warn({ err: error }, 'commit statuses: a delivery failed; it is retried later');
    },
  });
  const autoMerge = new AutoMerge(store, forges, {
    now,
    onQueued: () => {
      merges.wake();
    },
  });
  const merges = new MergeLoop(store, forges, autoMerge, {
    now,
    onAttempt: () => {
      metrics.mergeAttempted();
    },
    onResult: (result) => {
      metrics.mergeResult(result);
    },
    onError: (error) => {
      app.log.warn({ err: error }, 'auto-merge: a merge failed; it is retried later');
    },
  });
  /** Decides again whether a pull request merges; a failure is logged, never thrown. */
  const reevaluate = async (projectId: string, number: number): Promise<void> => {
    try {
      await autoMerge.evaluate(projectId, number);
    } catch (error) {
      app.log.error({ err: error }, `auto-merge: could not decide on pull request #${number}`);
    }
  };
  reevaluateRun = async (runId: string): Promise<void> => {
    const run = await store.getRun(runId).catch(() => null);
    const pr = run?.trigger.pr;
    if (run === null || pr === undefined) return;
    await reevaluate(run.projectId, pr);
  };
  const recordStatuses = async (
    projectId: string,
    commit: string,
    runIds: readonly string[],
    skipped: readonly string[],
  ): Promise<void> => {
    try {
      await recordCommitStatuses(store, {
        projectId,
        commit,
        runIds,
        skipped,
        publicUrl: publicUrl(),
        now: now(),
      });
    } catch (error) {
      app.log.error({ err: error }, `commit statuses of ${commit} not recorded`);
    }
  };
  const handleEvent = async (
    event: ClaimedTriggerEvent,
    allowUntrusted: boolean,
  ): Promise<TriggerEventResult> => {
    const result = await processTriggerEvent(runContext, event, {
      allowUntrusted,
      onComment: (project, comment) => pullRequestCommands.handle(project, comment),
      holdUntrusted: (project, held, trigger) =>
        holdForkRuns(store, forges, project, held, trigger, now),
    });
    if (result.commit !== undefined) {
      await recordStatuses(event.projectId, result.commit, result.runIds, result.skipped ?? []);
      const { commit, pr } = result;
      if (pr !== undefined) {
        await store.updatePullRequest(event.projectId, pr, (current) => ({
          ...current,
          headCommit: commit,
          updatedAt: now(),
        }));
      }
    }
    if (result.pr !== undefined) await reevaluate(event.projectId, result.pr);
    return result;
  };
  const pullRequestCommands = new PullRequestCommands({
    runs: runContext,
    forges,
    now,
    startWaiting: (event) => handleEvent(event, true),
    runsStarted: (project, commit, runIds) => recordStatuses(project.id, commit, runIds, []),
  });
  const reportSettled = (
    event: TriggerEventRecord,
    result: Pick<TriggerEventResult, 'status' | 'outcome' | 'event' | 'runIds'>,
  ): void => {
    metrics.triggerEventSettled(result.status, result.event, result.runIds.length);
    app.log.info(
      { event: event.id, status: result.status },
      `trigger event ${event.source} ${event.kind}: ${result.outcome}`,
    );
  };
  const triggers = new TriggerLoop(store, {
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now,
    process: (event) => handleEvent(event, false),
    onSettled: reportSettled,
    onError: (error) => {
      app.log.error({ err: error }, 'triggers: could not handle an event; it is retried later');
    },
  });
  wakeTriggers = () => {
    triggers.wake();
  };
  const schedules = new ScheduleLoop(store, {
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now,
    intervalMs: config.cronIntervalMs,
    refreshMs: config.pipelineRefreshMs,
    catalogs: { repositories, pipelines },
    onTick: (tick, duplicate) => {
      metrics.cronTick(duplicate);
      if (!duplicate) {
        app.log.info(
          `cron: ${tick.pipeline} ${tick.schedule.schedule} (${tick.schedule.timezone}) at ${new Date(tick.at).toISOString()}`,
        );
      }
    },
    onStored: wakeTriggers,
    onCatalogError: (error, project) => {
      metrics.catalogFailed();
      app.log.error({ err: error }, `schedules: could not read the pipelines of ${project}`);
    },
    onError: (error) => {
      app.log.error({ err: error }, 'schedules: a pass failed');
    },
  });
  const polls = new PollLoop(store, {
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now,
    breakerThreshold: config.pollBreakerThreshold,
    onPolled: (project, outcome, changes) => {
      metrics.polled(outcome, changes);
      if (outcome === 'tripped') {
        app.log.warn(
          `poll of ${project.name}: ${changes} new or moved heads; the breaker is open until an admin resets it`,
        );
      }
    },
    onStored: wakeTriggers,
    onError: (error) => {
      app.log.error({ err: error }, 'polls: a pass failed');
    },
  });
  pollRoutes(app, {
    store,
    now,
    onDue: () => {
      polls.wake();
    },
  });
  webhookRoute(app, {
    store,
    webhooks,
    writer: new GroupCommit((events: readonly NewTriggerEvent[]) =>
      store.recordTriggerEvents(events),
    ),
    metrics,
    now,
    onStored: (event) => {
      if (event.status === TriggerEventStatus.Pending) triggers.wake();
      else {
        const { status, outcome, runIds } = event;
        reportSettled(event, { status, outcome: outcome ?? '', event: null, runIds });
      }
    },
    onSecretError: (error, project) => {
      app.log.error({ err: error }, `webhook of project ${project}: the secret cannot be opened`);
    },
  });
  triggerRoutes(app, { store, webhooks });
  const chatWork = new BackgroundWork();
  const slackSecrets = new SlackSecrets(store, secretBox, config.slackHooksOrigin, now);
  const chatError = (error: unknown, what: string): void => {
    app.log.error({ err: error }, `slack: could not ${what}`);
  };
  const slackApprovals = new SlackApprovalRequests({
    store,
    secrets: slackSecrets,
    hooksOrigin: config.slackHooksOrigin,
    publicUrl,
    background: chatWork,
    metrics,
    onError: chatError,
  });
  approvalsWaiting = (runId, taskIds) => {
    slackApprovals.approvalsWaiting(runId, taskIds);
  };
  const approvalContext = { store, driver, now };
  slackSettingsRoutes(app, { store, secrets: slackSecrets, now });
  slackIntakeRoutes(app, {
    store,
    secrets: slackSecrets,
    commands: new SlackCommands(approvalContext),
    approvals: approvalContext,
    metrics,
    now,
    hooksOrigin: config.slackHooksOrigin,
    background: chatWork,
    onError: chatError,
    onSecretError: (error) => {
      app.log.error({ err: error }, 'slack: the signing secret cannot be opened');
    },
  });
  forgeRoutes(app, { store, forges });
  pullRequestRoutes(app, { store, autoMerge });
  autoMergeRoutes(app, { store, forges });
  pipelineRoutes(app, {
    store,
    catalogs: { repositories, pipelines },
    now,
  });

  const artifactFiles = new ArtifactFiles(join(config.dataDir, 'artifacts'));
  rerunRoutes(app, runContext);
  reportRoutes(app, { store, agents, now });
  artifactRoutes(app, {
    store,
    files: artifactFiles,
    agents,
    maxArtifactBytes: config.maxArtifactBytes,
    now,
  });
  const retention = new RetentionLoop(store, artifactFiles, {
    logRetentionDays: config.logRetentionDays,
    artifactRetentionDays: config.artifactRetentionDays,
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    now,
    onError: (error) => {
      app.log.error({ err: error }, 'retention: a pass failed');
    },
  });
  app.addHook('onReady', (done) => {
    if (deps.startScheduler !== false) retention.start();
    done();
  });
  app.addHook('preClose', async () => {
    await retention.stop();
  });

  app.addHook('onReady', (done) => {
    if (deps.startScheduler !== false) scheduler.start();
    if (deps.startScheduler !== false) triggers.start();
    if (deps.startScheduler !== false) schedules.start();
    if (deps.startScheduler !== false) polls.start();
    if (deps.startScheduler !== false) commitStatuses.start();
    agents.start();

    if (deps.startScheduler !== false) merges.start();
    done();
  });
  app.addHook('preClose', async () => {
    stopping = true;
    work.close();
    logNotifier.close();
    await polls.stop();
    await schedules.stop();
    await triggers.stop();
    await commitStatuses.stop();
    await merges.stop();
    await scheduler.stop();
    await agents.stop();
    await chatWork.stop();
    // Closing waits for every connection to end. Requests in flight get a moment to be
    // answered; then connections still open go, such as one a client opened and never
    // sent a request on, which would otherwise hold the close for a minute.
    closeConnections = setTimeout(() => {
      app.server.closeAllConnections();
    }, CLOSE_CONNECTIONS_AFTER_MS);
  });
  app.addHook('onClose', async () => {
    clearTimeout(closeConnections);
    await gitRunner.close();
  });

  return {
    app,
    scheduler,
    driver,
    agents,
    adminToken,
    metrics,
    triggers,
    schedules,
    polls,
    commitStatuses,
    merges,
  };
}
