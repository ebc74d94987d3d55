import type {
  FinishAndClaim,
  FinishedAndClaimed,
  AgentRecord,
  AgentSighting,
  ApprovalRecord,
  AttemptClaim,
  AttemptFinish,
  AttemptInfo,
  AttemptRef,
  AttemptTimeout,
  ClaimedAttempt,
  ControlStore,
  GroupMembership,
  GroupSummary,
  HeldAttempt,
  SampledSecret,
  LeaseAnswer,
  LogChunk,
  LogLimit,
  NewProject,
  NewSecret,
  NewRun,
  Project,
  RecordedOutcome,
  RunFilter,
  RunRecord,
  RunSnapshot,
  CommitSync,
  RunUpdate,
  SecretInfo,
  StoredSecret,
  TaskRecord,
} from '@slipway/core';
import type {
  NewArtifact,
  ReportUpload,
  StoredArtifact,
  StoredReport,
  StoredTestCase,
  TestCaseQuery,
} from '@slipway/core';
import type {
  ConcurrencyGroupRef,
  GroupAdmission,
  NewToken,
  ProjectRole,
  RoleBinding,
  RunStatus,
  StatusCounts,
  TaskStatus,
  TokenRecord,
} from '@slipway/core';
import type {
  ClaimedTriggerEvent,
  NewTriggerEvent,
  ProjectWebhook,
  PipelineCatalog,
  CronMark,
  PollResult,
  ProjectPoll,
  ProjectForge,
  ChatProvider,
  ChatSettings,
  ChatUserLink,
  ProjectChat,
  NewCommitStatusReport,
  DueCommitStatus,
  CommitStatusSettlement,
  CommitStatusRecord,
  PullRequestRecord,
  RecordedTriggerEvent,
  TriggerEventQuery,
  TriggerEventRecord,
  TriggerEventSettlement,
} from '@slipway/core';
import type { Kysely } from 'kysely';
import type { StoreDatabase } from './database.js';
import type { StoreDialect } from './dialect/store-dialect.js';
import { acquireLease } from './queries/acquire-lease.js';
import { appendLogs } from './queries/append-logs.js';
import { claimAttempts } from './queries/claim-attempts.js';
import { createProject } from './queries/create-project.js';
import { setProjectDefaultBranch } from './queries/set-project-default-branch.js';
import { createAndUpdateRun, createRun } from './queries/create-run.js';
import { dueRuns } from './queries/due-runs.js';
import { expireLeases } from './queries/expire-leases.js';
import { listHeldAttempts } from './queries/list-held-attempts.js';
import { timeOutAttempts } from './queries/time-out-attempts.js';
import { findProject } from './queries/find-project.js';
import { finishAttempts } from './queries/finish-attempts.js';
import { finishAndClaim } from './queries/finish-and-claim.js';
import { getRun } from './queries/get-run.js';
import { listProjects } from './queries/list-projects.js';
import { listRuns } from './queries/list-runs.js';
import { listTasks } from './queries/list-tasks.js';
import { listApprovals } from './queries/list-approvals.js';
import { readLogs } from './queries/read-logs.js';
import { renewLeases } from './queries/renew-leases.js';
import { unappliedOutcomes } from './queries/unapplied-outcomes.js';
import { updateRun } from './queries/update-run.js';
import { deleteSecret } from './queries/delete-secret.js';
import { findAttempt } from './queries/find-attempt.js';
import { getAttempt } from './queries/get-attempt.js';
import { listSecrets } from './queries/list-secrets.js';
import { putSecret } from './queries/put-secret.js';
import { readSecrets } from './queries/read-secrets.js';
import { secretSamples } from './queries/secret-samples.js';
import { expireLogs } from './queries/expire-logs.js';
import { findArtifact } from './queries/find-artifact.js';
import { forgetArtifacts } from './queries/forget-artifacts.js';
import { listArtifacts } from './queries/list-artifacts.js';
import { listTestCases } from './queries/list-test-cases.js';
import { readReports } from './queries/read-reports.js';
import { recordArtifact } from './queries/record-artifact.js';
import { runsWithExpiredArtifacts } from './queries/runs-with-expired-artifacts.js';
import { saveReport } from './queries/save-report.js';
import { admitRuns } from './queries/admit-runs.js';
import { clearPendingCancels } from './queries/clear-pending-cancels.js';
import { countHeldAttempts } from './queries/count-held-attempts.js';
import { countQueuedAttempts } from './queries/count-queued-attempts.js';
import { countRunsByStatus } from './queries/count-runs-by-status.js';
import { countTasksByStatus } from './queries/count-tasks-by-status.js';
import { countZombieRuns } from './queries/count-zombie-runs.js';
import { createFirstAdminToken } from './queries/create-first-admin-token.js';
import { createToken } from './queries/create-token.js';
import { addGroupMember } from './queries/add-group-member.js';
import { deleteRole } from './queries/delete-role.js';
import { groupsOfUser } from './queries/groups-of-user.js';
import { listGroupMembers } from './queries/list-group-members.js';
import { listGroups } from './queries/list-groups.js';
import { removeGroupMember } from './queries/remove-group-member.js';
import { deleteToken } from './queries/delete-token.js';
import { findRole } from './queries/find-role.js';
import { findRunProject } from './queries/find-run-project.js';
import { findTokenByHash } from './queries/find-token-by-hash.js';
import { groupsToAdmit } from './queries/groups-to-admit.js';
import { listRoles } from './queries/list-roles.js';
import { listTokens } from './queries/list-tokens.js';
import { rolesOfUser } from './queries/roles-of-user.js';
import { setRole } from './queries/set-role.js';
import { touchToken } from './queries/touch-token.js';
import { claimTriggerEvents } from './queries/claim-trigger-events.js';
import { findProjectWebhook } from './queries/find-project-webhook.js';
import { listTriggerEvents } from './queries/list-trigger-events.js';
import { putProjectWebhook } from './queries/put-project-webhook.js';
import { putPipelineCatalog } from './queries/put-pipeline-catalog.js';
import { listPipelineCatalogs } from './queries/list-pipeline-catalogs.js';
import { findPipelineCatalog } from './queries/find-pipeline-catalog.js';
import { listCronMarks } from './queries/list-cron-marks.js';
import { putCronMark } from './queries/put-cron-mark.js';
import { putPollSettings } from './queries/put-poll-settings.js';
import { deleteProjectPoll } from './queries/delete-project-poll.js';
import { findProjectPoll } from './queries/find-project-poll.js';
import { listProjectPolls } from './queries/list-project-polls.js';
import { savePollResult } from './queries/save-poll-result.js';
import { addCommitStatuses } from './queries/add-commit-statuses.js';
import { claimCommitStatus } from './queries/claim-commit-status.js';
import { dueCommitStatuses } from './queries/due-commit-statuses.js';
import { findProjectForge } from './queries/find-project-forge.js';
import { putChatSettings } from './queries/put-chat-settings.js';
import { findChatSettings } from './queries/find-chat-settings.js';
import { putChatUser } from './queries/put-chat-user.js';
import { deleteChatUser } from './queries/delete-chat-user.js';
import { listChatUsers } from './queries/list-chat-users.js';
import { putProjectChat } from './queries/put-project-chat.js';
import { findProjectChat } from './queries/find-project-chat.js';
import { deleteProjectChat } from './queries/delete-project-chat.js';
import { recordChatRequest } from './queries/record-chat-request.js';
import { listCommitStatuses } from './queries/list-commit-statuses.js';
import { putProjectForge } from './queries/put-project-forge.js';
import { settleCommitStatus } from './queries/settle-commit-status.js';
import { findPullRequest } from './queries/find-pull-request.js';
import { listPullRequests } from './queries/list-pull-requests.js';
import { findTriggerEvent } from './queries/find-trigger-event.js';
import { updatePullRequest } from './queries/update-pull-request.js';
import { dueMerges } from './queries/due-merges.js';
import { recordTriggerEvents } from './queries/record-trigger-events.js';
import { settleTriggerEvents } from './queries/settle-trigger-events.js';
import {
  deleteAgentsSeenBefore,
  listAgents,
  noteAgentsSeen,
  registerAgent,
} from './queries/agents.js';
import type { StoreContext } from './store-context.js';

/**
 * The {@link ControlStore} over a SQL database through Kysely; each method is one query
 * module, and the dialect supplies what differs between SQLite and PostgreSQL.
 */
export class SqlControlStore implements ControlStore {
  private readonly ctx: StoreContext;

  constructor(db: Kysely<StoreDatabase>, dialect: StoreDialect) {
    this.ctx = { db, dialect };
  }

  /** The Kysely instance, for maintenance tools and tests. */
  get db(): Kysely<StoreDatabase> {
    return this.ctx.db;
  }

  createProject(project: NewProject): Promise<Project> {
    return createProject(this.ctx, project);
  }

  setProjectDefaultBranch(projectId: string, branch: string): Promise<Project | null> {
    return setProjectDefaultBranch(this.ctx, projectId, branch);
  }

  findProject(idOrName: string): Promise<Project | null> {
    return findProject(this.ctx, idOrName);
  }

  listProjects(): Promise<Project[]> {
    return listProjects(this.ctx);
  }

  createRun(run: NewRun): Promise<RunRecord> {
    return createRun(this.ctx, run);
  }

  createAndUpdateRun<T>(
    run: NewRun,
    change: (current: RunSnapshot) => RunUpdate<T>,
  ): Promise<{ run: RunRecord; result: T }> {
    return createAndUpdateRun(this.ctx, run, change);
  }

  getRun(runId: string): Promise<RunRecord | null> {
    return getRun(this.ctx, runId);
  }

  listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return listRuns(this.ctx, filter);
  }

  listTasks(runId: string, taskIds?: readonly string[]): Promise<TaskRecord[]> {
    return listTasks(this.ctx, runId, taskIds);
  }

  updateRun<T>(
    runId: string,
    change: (current: RunSnapshot) => RunUpdate<T>,
    sync?: CommitSync,
  ): Promise<T> {
    return updateRun(this.ctx, runId, change, sync);
  }

  listApprovals(runId: string): Promise<ApprovalRecord[]> {
    return listApprovals(this.ctx, runId);
  }

  claimAttempts(claim: AttemptClaim): Promise<ClaimedAttempt[]> {
    return claimAttempts(this.ctx, claim);
  }

  renewLeases(
    agentId: string,
    attemptIds: readonly string[],
    leaseUntil: number,
  ): Promise<Record<string, LeaseAnswer>> {
    return renewLeases(this.ctx, agentId, attemptIds, leaseUntil);
  }

  async finishAttempt(finish: AttemptFinish): Promise<boolean> {
    const [accepted] = await finishAttempts(this.ctx, [finish]);
    return accepted === true;
  }

  finishAndClaim<T>(
    items: readonly FinishAndClaim[],
    apply: (outcomes: readonly RecordedOutcome[]) => (current: RunSnapshot) => RunUpdate<T>,
  ): Promise<FinishedAndClaimed<T>> {
    return finishAndClaim(this.ctx, items, apply);
  }

  expireLeases(now: number): Promise<AttemptRef[]> {
    return expireLeases(this.ctx, now);
  }

  listHeldAttempts(limit: number): Promise<HeldAttempt[]> {
    return listHeldAttempts(this.ctx, limit);
  }

  timeOutAttempts(attempts: readonly AttemptTimeout[], now: number): Promise<AttemptRef[]> {
    return timeOutAttempts(this.ctx, attempts, now);
  }

  unappliedOutcomes(limit: number): Promise<RecordedOutcome[]> {
    return unappliedOutcomes(this.ctx, limit);
  }

  dueRuns(now: number, limit: number): Promise<string[]> {
    return dueRuns(this.ctx, now, limit);
  }

  appendLogs(chunks: readonly LogChunk[], limit?: LogLimit): Promise<void> {
    return appendLogs(this.ctx, chunks, limit);
  }

  readLogs(attemptId: string, afterSeq: number, limit: number): Promise<LogChunk[]> {
    return readLogs(this.ctx, attemptId, afterSeq, limit);
  }

  acquireLease(name: string, holder: string, until: number, now: number): Promise<boolean> {
    return acquireLease(this.ctx, name, holder, until, now);
  }

  putSecret(secret: NewSecret): Promise<SecretInfo> {
    return putSecret(this.ctx, secret);
  }

  listSecrets(projectId: string): Promise<SecretInfo[]> {
    return listSecrets(this.ctx, projectId);
  }

  deleteSecret(projectId: string, name: string): Promise<boolean> {
    return deleteSecret(this.ctx, projectId, name);
  }

  readSecrets(projectId: string): Promise<StoredSecret[]> {
    return readSecrets(this.ctx, projectId);
  }

  secretSamples(): Promise<SampledSecret[]> {
    return secretSamples(this.ctx);
  }

  getAttempt(attemptId: string): Promise<AttemptInfo | null> {
    return getAttempt(this.ctx, attemptId);
  }

  findAttempt(runId: string, taskId: string, attempt: number): Promise<AttemptInfo | null> {
    return findAttempt(this.ctx, runId, taskId, attempt);
  }

  saveReport(upload: ReportUpload): Promise<boolean> {
    return saveReport(this.ctx, upload);
  }

  readReports(attemptIds: readonly string[]): Promise<StoredReport[]> {
    return readReports(this.ctx, attemptIds);
  }

  listTestCases(query: TestCaseQuery): Promise<StoredTestCase[]> {
    return listTestCases(this.ctx, query);
  }

  recordArtifact(artifact: NewArtifact): Promise<boolean> {
    return recordArtifact(this.ctx, artifact);
  }

  listArtifacts(attemptIds: readonly string[]): Promise<StoredArtifact[]> {
    return listArtifacts(this.ctx, attemptIds);
  }

  findArtifact(attemptId: string, path: string): Promise<StoredArtifact | null> {
    return findArtifact(this.ctx, attemptId, path);
  }

  expireLogs(before: number, now: number, limit: number): Promise<number> {
    return expireLogs(this.ctx, before, now, limit);
  }

  runsWithExpiredArtifacts(before: number, limit: number): Promise<string[]> {
    return runsWithExpiredArtifacts(this.ctx, before, limit);
  }

  forgetArtifacts(runIds: readonly string[], now: number): Promise<void> {
    return forgetArtifacts(this.ctx, runIds, now);
  }

  createToken(token: NewToken): Promise<TokenRecord> {
    return createToken(this.ctx, token);
  }

  createFirstAdminToken(token: NewToken): Promise<TokenRecord | null> {
    return createFirstAdminToken(this.ctx, token);
  }

  findTokenByHash(hash: string): Promise<TokenRecord | null> {
    return findTokenByHash(this.ctx, hash);
  }

  listTokens(): Promise<TokenRecord[]> {
    return listTokens(this.ctx);
  }

  deleteToken(tokenId: string): Promise<boolean> {
    return deleteToken(this.ctx, tokenId);
  }

  touchToken(tokenId: string, at: number): Promise<void> {
    return touchToken(this.ctx, tokenId, at);
  }

  setRole(binding: RoleBinding): Promise<RoleBinding> {
    return setRole(this.ctx, binding);
  }

  findRole(projectId: string, user: string): Promise<ProjectRole | null> {
    return findRole(this.ctx, projectId, user);
  }

  listRoles(projectId: string): Promise<RoleBinding[]> {
    return listRoles(this.ctx, projectId);
  }

  rolesOfUser(user: string): Promise<RoleBinding[]> {
    return rolesOfUser(this.ctx, user);
  }

  deleteRole(projectId: string, user: string): Promise<boolean> {
    return deleteRole(this.ctx, projectId, user);
  }

  addGroupMember(membership: GroupMembership): Promise<GroupMembership> {
    return addGroupMember(this.ctx, membership);
  }

  removeGroupMember(group: string, user: string): Promise<boolean> {
    return removeGroupMember(this.ctx, group, user);
  }

  listGroups(): Promise<GroupSummary[]> {
    return listGroups(this.ctx);
  }

  listGroupMembers(group: string): Promise<GroupMembership[]> {
    return listGroupMembers(this.ctx, group);
  }

  groupsOfUser(user: string): Promise<string[]> {
    return groupsOfUser(this.ctx, user);
  }

  findRunProject(runId: string): Promise<string | null> {
    return findRunProject(this.ctx, runId);
  }

  countRunsByStatus(): Promise<StatusCounts<RunStatus>> {
    return countRunsByStatus(this.ctx);
  }

  countTasksByStatus(): Promise<StatusCounts<TaskStatus>> {
    return countTasksByStatus(this.ctx);
  }

  countQueuedAttempts(): Promise<number> {
    return countQueuedAttempts(this.ctx);
  }

  countHeldAttempts(): Promise<number> {
    return countHeldAttempts(this.ctx);
  }

  countZombieRuns(now: number): Promise<number> {
    return countZombieRuns(this.ctx, now);
  }

  admitRuns(group: ConcurrencyGroupRef): Promise<GroupAdmission> {
    return admitRuns(this.ctx, group);
  }

  clearPendingCancels(runIds: readonly string[]): Promise<void> {
    return clearPendingCancels(this.ctx, runIds);
  }

  groupsToAdmit(limit: number): Promise<ConcurrencyGroupRef[]> {
    return groupsToAdmit(this.ctx, limit);
  }

  recordTriggerEvents(events: readonly NewTriggerEvent[]): Promise<RecordedTriggerEvent[]> {
    return recordTriggerEvents(this.ctx, events);
  }

  claimTriggerEvents(
    holder: string,
    now: number,
    until: number,
    limit: number,
  ): Promise<ClaimedTriggerEvent[]> {
    return claimTriggerEvents(this.ctx, holder, now, until, limit);
  }

  settleTriggerEvents(settlements: readonly TriggerEventSettlement[]): Promise<string[]> {
    return settleTriggerEvents(this.ctx, settlements);
  }

  listTriggerEvents(query: TriggerEventQuery): Promise<TriggerEventRecord[]> {
    return listTriggerEvents(this.ctx, query);
  }

  putProjectWebhook(webhook: ProjectWebhook): Promise<void> {
    return putProjectWebhook(this.ctx, webhook);
  }

  findProjectWebhook(projectId: string): Promise<ProjectWebhook | null> {
    return findProjectWebhook(this.ctx, projectId);
  }

  registerAgent(agent: AgentRecord): Promise<void> {
    return registerAgent(this.ctx, agent);
  }

  noteAgentsSeen(sightings: readonly AgentSighting[]): Promise<void> {
    return noteAgentsSeen(this.ctx, sightings);
  }

  listAgents(): Promise<AgentRecord[]> {
    return listAgents(this.ctx);
  }

  deleteAgentsSeenBefore(before: number): Promise<number> {
    return deleteAgentsSeenBefore(this.ctx, before);
  }

  putPipelineCatalog(catalog: PipelineCatalog): Promise<void> {
    return putPipelineCatalog(this.ctx, catalog);
  }

  listPipelineCatalogs(): Promise<PipelineCatalog[]> {
    return listPipelineCatalogs(this.ctx);
  }

  findPipelineCatalog(projectId: string): Promise<PipelineCatalog | null> {
    return findPipelineCatalog(this.ctx, projectId);
  }

  listCronMarks(): Promise<CronMark[]> {
    return listCronMarks(this.ctx);
  }

  putCronMark(mark: CronMark): Promise<void> {
    return putCronMark(this.ctx, mark);
  }

  putPollSettings(projectId: string, intervalMs: number, nextPollAt: number): Promise<ProjectPoll> {
    return putPollSettings(this.ctx, projectId, intervalMs, nextPollAt);
  }

  deleteProjectPoll(projectId: string): Promise<boolean> {
    return deleteProjectPoll(this.ctx, projectId);
  }

  findProjectPoll(projectId: string): Promise<ProjectPoll | null> {
    return findProjectPoll(this.ctx, projectId);
  }

  listProjectPolls(): Promise<ProjectPoll[]> {
    return listProjectPolls(this.ctx);
  }

  savePollResult(result: PollResult): Promise<boolean> {
    return savePollResult(this.ctx, result);
  }

  putProjectForge(forge: ProjectForge): Promise<void> {
    return putProjectForge(this.ctx, forge);
  }

  findProjectForge(projectId: string): Promise<ProjectForge | null> {
    return findProjectForge(this.ctx, projectId);
  }

  addCommitStatuses(reports: readonly NewCommitStatusReport[]): Promise<void> {
    return addCommitStatuses(this.ctx, reports);
  }

  dueCommitStatuses(now: number, limit: number): Promise<DueCommitStatus[]> {
    return dueCommitStatuses(this.ctx, now, limit);
  }

  claimCommitStatus(id: string, seen: number, until: number): Promise<boolean> {
    return claimCommitStatus(this.ctx, id, seen, until);
  }

  settleCommitStatus(settlement: CommitStatusSettlement): Promise<void> {
    return settleCommitStatus(this.ctx, settlement);
  }

  listCommitStatuses(projectId: string, commit: string): Promise<CommitStatusRecord[]> {
    return listCommitStatuses(this.ctx, projectId, commit);
  }

  findPullRequest(projectId: string, number: number): Promise<PullRequestRecord | null> {
    return findPullRequest(this.ctx, projectId, number);
  }

  listPullRequests(projectId: string, limit: number): Promise<PullRequestRecord[]> {
    return listPullRequests(this.ctx, projectId, limit);
  }

  dueMerges(now: number, limit: number): Promise<PullRequestRecord[]> {
    return dueMerges(this.ctx, now, limit);
  }

  updatePullRequest(
    projectId: string,
    number: number,
    change: (current: PullRequestRecord) => PullRequestRecord,
  ): Promise<PullRequestRecord> {
    return updatePullRequest(this.ctx, projectId, number, change);
  }

  putChatSettings(settings: ChatSettings): Promise<void> {
    return putChatSettings(this.ctx, settings);
  }

  findChatSettings(provider: ChatProvider): Promise<ChatSettings | null> {
    return findChatSettings(this.ctx, provider);
  }

  putChatUser(link: ChatUserLink): Promise<void> {
    return putChatUser(this.ctx, link);
  }

  deleteChatUser(provider: ChatProvider, externalId: string): Promise<boolean> {
    return deleteChatUser(this.ctx, provider, externalId);
  }

  async findChatUser(provider: ChatProvider, externalId: string): Promise<ChatUserLink | null> {
    return (await listChatUsers(this.ctx, provider, externalId))[0] ?? null;
  }

  listChatUsers(provider: ChatProvider): Promise<ChatUserLink[]> {
    return listChatUsers(this.ctx, provider);
  }

  putProjectChat(chat: ProjectChat): Promise<void> {
    return putProjectChat(this.ctx, chat);
  }

  findProjectChat(projectId: string, provider: ChatProvider): Promise<ProjectChat | null> {
    return findProjectChat(this.ctx, projectId, provider);
  }

  deleteProjectChat(projectId: string, provider: ChatProvider): Promise<boolean> {
    return deleteProjectChat(this.ctx, projectId, provider);
  }

  recordChatRequest(
    provider: ChatProvider,
    key: string,
    at: number,
    forgetBefore: number,
  ): Promise<boolean> {
    return recordChatRequest(this.ctx, provider, key, at, forgetBefore);
  }

  findTriggerEvent(id: string): Promise<ClaimedTriggerEvent | null> {
    return findTriggerEvent(this.ctx, id);
  }

  close(): Promise<void> {
    return this.ctx.db.destroy();
  }
}
