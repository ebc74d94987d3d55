/**
 * The tables of the control store as Kysely sees them. JSON values are stored as text;
 * times are epoch milliseconds.
 */
export interface StoreDatabase {
  projects: ProjectsTable;
  runs: RunsTable;
  tasks: TasksTable;
  attempts: AttemptsTable;
  log_chunks: LogChunksTable;
  leases: LeasesTable;
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

/** One row per run, with its frozen plan and the scheduler's state. */
export interface RunsTable {
  id: string;
  project_id: string;
  number: number;
  pipeline: string;
  status: string;
  /** JSON of the trigger facts. */
  trigger: string;
  /** JSON of the plan. */
  plan: string;
  /** JSON of the scheduler state. */
  state: string;
  wake_at: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
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
