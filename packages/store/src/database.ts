/**
 * The tables of the control store as Kysely sees them. JSON values are stored as text;
 * times are epoch milliseconds.
 */
export interface StoreDatabase {
  projects: ProjectsTable;
  runs: RunsTable;
  run_plans: RunPlansTable;
  tasks: TasksTable;
  attempts: AttemptsTable;
  log_chunks: LogChunksTable;
  leases: LeasesTable;
  tokens: TokensTable;
  role_bindings: RoleBindingsTable;
  group_members: GroupMembersTable;
  secrets: SecretsTable;
  log_steps: LogStepsTable;
  test_reports: TestReportsTable;
  test_suites: TestSuitesTable;
  test_cases: TestCasesTable;
  artifacts: ArtifactsTable;
  approvals: ApprovalsTable;
  trigger_events: TriggerEventsTable;
  trigger_event_payloads: TriggerEventPayloadsTable;
  project_webhooks: ProjectWebhooksTable;
  pipeline_catalogs: PipelineCatalogsTable;
  cron_marks: CronMarksTable;
  project_polls: ProjectPollsTable;
  project_forges: ProjectForgesTable;
  commit_statuses: CommitStatusesTable;
  pull_requests: PullRequestsTable;
  agents: AgentsTable;
  chat_settings: ChatSettingsTable;
  chat_users: ChatUsersTable;
  project_chats: ProjectChatsTable;
  chat_requests: ChatRequestsTable;
}

/** One row per project; `run_count` hands out run numbers. */
export interface ProjectsTable {
  id: string;
  name: string;
  source: string;
  default_branch: string;
  run_count: number;
  created_at: number;
}

/** One row per run, with the scheduler's state; its plan is in `run_plans`. */
export interface RunsTable {
  id: string;
  project_id: string;
  number: number;
  pipeline: string;
  status: string;
  /** JSON of the trigger facts. */
  trigger: string;
  /** JSON of the scheduler state. */
  state: string;
  wake_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** 0 when the trigger is untrusted (no secrets), else 1. */
  trusted: number;
  /** The run whose failed tasks this run runs again. */
  retry_of: string | null;
  /** The run this one runs again from the start. */
  rerun_of: string | null;
  /** When retention deleted the logs of the run's attempts. */
  logs_expired_at: number | null;
  /** When retention deleted the artifacts of the run's attempts. */
  artifacts_expired_at: number | null;
  /** The plan's concurrency group; null for runs outside any. */
  concurrency_group: string | null;
  /** How many runs of the group may be admitted at once, as this run's plan says. */
  concurrency_limit: number | null;
  /** 0 while the run waits for a slot in its concurrency group, else 1. */
  admitted: number;
  /** 1 from when a newer cancel-in-progress run supersedes this one until its cancel is applied. */
  cancel_pending: number;
}

/** The frozen plan of a run, written once with the run. */
export interface RunPlansTable {
  run_id: string;
  /** JSON of the plan. */
  plan: string;
}

/** One row per task of a run; `position` is the task's index in the plan. */
export interface TasksTable {
  run_id: string;
  task_id: string;
  position: number;
  status: string;
  attempt: number;
  reason: string | null;
  /** JSON object of result names to values. */
  results: string;
  started_at: number | null;
  finished_at: number | null;
  /** For a task carried from an earlier run: the kept attempt and the run it belongs to. */
  carried_attempt_id: string | null;
  carried_run_id: string | null;
}

/** One row per attempt; see `AttemptStatus` for its life. */
export interface AttemptsTable {
  id: string;
  run_id: string;
  task_id: string;
  attempt: number;
  position: number;
  status: string;
  /** JSON array of the agent labels the attempt needs, sorted. */
  labels: string;
  queued_at: number;
  agent_id: string | null;
  claimed_at: number | null;
  lease_until: number | null;
  stop_mode: string | null;
  outcome: string | null;
  /** JSON object of result names to values, once settled. */
  results: string | null;
  error: string | null;
  finished_at: number | null;
  /** 1 once the recorded outcome was applied to the run. */
  applied: number;
}

/** Output of an attempt in chunks, keyed by (attempt, seq, step). */
export interface LogChunksTable {
  attempt_id: string;
  step: number;
  seq: number;
  stream: string;
  text: string;
  at: number;
}

/** Named leases for singleton duties. */
export interface LeasesTable {
  name: string;
  holder: string;
  until: number;
}

/** A project's secrets; `ciphertext` is the value encrypted by the server. */
export interface SecretsTable {
  project_id: string;
  name: string;
  ciphertext: string;
  updated_at: number;
}

/** Bytes of log text stored per step of an attempt, and whether the step hit the limit. */
export interface LogStepsTable {
  attempt_id: string;
  step: number;
  bytes: number;
  /** 1 once the step's output was cut at the limit. */
  truncated: number;
}

/** Totals of an attempt's test report; its suites and cases refer to it. */
export interface TestReportsTable {
  attempt_id: string;
  tests: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  duration_ms: number;
  created_at: number;
}

/** The suites of a report, in report order. */
export interface TestSuitesTable {
  attempt_id: string;
  position: number;
  name: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  duration_ms: number;
}

/** The cases of a report in report order; `rank` orders failed cases first. */
export interface TestCasesTable {
  attempt_id: string;
  position: number;
  suite: string;
  name: string;
  classname: string;
  status: string;
  /** 0 failed or errored, 1 skipped, 2 passed. */
  rank: number;
  duration_ms: number;
  message: string | null;
  details: string | null;
}

/** Files kept for an attempt, stored by the server under the attempt's run. */
export interface ArtifactsTable {
  attempt_id: string;
  path: string;
  size: number;
  sha256: string;
  created_at: number;
}

/** API tokens by the SHA-256 of the token (hex); the token itself is never stored. */
export interface TokensTable {
  id: string;
  hash: string;
  name: string;
  user_name: string;
  kind: string;
  /** 1 for admin tokens. */
  admin: number;
  created_at: number;
  last_used_at: number | null;
}

/** A user's role in a project. */
export interface RoleBindingsTable {
  project_id: string;
  /** A user, or a group as `group:NAME`. */
  user_name: string;
  role: string;
  updated_at: number;
}

/** A user's membership of a named group; a group exists while it has a row here. */
export interface GroupMembersTable {
  group_name: string;
  user_name: string;
  added_at: number;
}

/** A person's decision about an approval task; at most one per task of a run. */
export interface ApprovalsTable {
  run_id: string;
  task_id: string;
  /** `approve` or `reject`. */
  decision: string;
  decided_by: string;
  comment: string | null;
  decided_at: number;
}

/** Trigger events, unique per (project, source, delivery id); see `TriggerEventStatus`. */
export interface TriggerEventsTable {
  id: string;
  project_id: string;
  source: string;
  delivery_id: string;
  kind: string;
  received_at: number;
  status: string;
  outcome: string | null;
  /** JSON array of the ids of the runs the event created. */
  run_ids: string;
  processed_at: number | null;
  /** The replica handling the event, until `claimed_until`. */
  claimed_by: string | null;
  claimed_until: number | null;
}

/** The payload of a trigger event, as JSON text. */
export interface TriggerEventPayloadsTable {
  event_id: string;
  payload: string;
}

/** A project's webhook settings; `sealed_secret` is encrypted by the server. */
export interface ProjectWebhooksTable {
  project_id: string;
  forge: string;
  sealed_secret: string;
  updated_at: number;
}

/** What a project's default-branch pipelines listen to; `pipelines` is JSON. */
export interface PipelineCatalogsTable {
  project_id: string;
  commit_id: string;
  pipelines: string;
  read_at: number;
}

/** The latest tick handled per (project, pipeline, schedule). */
export interface CronMarksTable {
  project_id: string;
  pipeline: string;
  schedule: string;
  last_tick_at: number;
}

/** A polled project's settings and state; `heads` is JSON (null before the first poll). */
export interface ProjectPollsTable {
  project_id: string;
  interval_ms: number;
  next_poll_at: number;
  heads: string | null;
  breaker: string;
  breaker_reason: string | null;
  breaker_opened_at: number | null;
  failures: number;
  last_error: string | null;
  last_polled_at: number | null;
}

/** One row per project whose runs report to its forge; the API token is sealed. */
export interface ProjectForgesTable {
  project_id: string;
  api_url: string;
  repository: string;
  sealed_token: string;
  /** JSON object: forge login → Slipway user name. */
  users: string;
  /** The merge method of auto-merge; null when it is off. */
  auto_merge: string | null;
  updated_at: number;
}

/** What is recorded per pull request of a project. */
export interface PullRequestsTable {
  project_id: string;
  number: number;
  head_commit: string | null;
  /** JSON object: label → the users who set it. */
  labels: string;
  /** A fork's trigger event waiting for `/ok-to-test`. */
  waiting_event_id: string | null;
  /** JSON: the latest automatic merge; null when none was queued. */
  merge: string | null;
  /** When the merge loop takes the merge next; null when none is due. */
  merge_due_at: number | null;
  updated_at: number;
  /** `open` or `closed`, from the last pull request event; null before one. */
  state: string | null;
  /** When the event that set `state` was received. */
  state_at: number | null;
}

/** The commit status outbox: one row per reported run or skipped pipeline. */
export interface CommitStatusesTable {
  id: string;
  project_id: string;
  /** Null for a pipeline its `on` filters skipped. */
  run_id: string | null;
  commit_id: string;
  context: string;
  target_url: string | null;
  created_at: number;
  /** The run status (or `skipped`) last delivered. */
  reported: string | null;
  attempts: number;
  /** When to look at the row again; null once a final state is delivered. */
  next_attempt_at: number | null;
  last_error: string | null;
}

/** One row per agent heard from; `labels` is a JSON array. */
export interface AgentsTable {
  id: string;
  name: string;
  labels: string;
  capacity: number;
  registered_at: number;
  last_seen_at: number;
}

/** A chat service's server-wide settings. */
export interface ChatSettingsTable {
  provider: string;
  sealed_signing_secret: string;
  updated_at: number;
}

/** A chat user mapped to a Slipway user. */
export interface ChatUsersTable {
  provider: string;
  external_id: string;
  user_name: string;
  updated_at: number;
}

/** Where a project's chat messages go. */
export interface ProjectChatsTable {
  project_id: string;
  provider: string;
  sealed_webhook_url: string;
  channel: string | null;
  updated_at: number;
}

/** A signed chat request seen recently (its signature), to refuse replays. */
export interface ChatRequestsTable {
  provider: string;
  request_key: string;
  seen_at: number;
}
