import { SecretMasker, type ControlStore } from '@slipway/core';
import type { ProjectSecrets } from './project-secrets.js';

/** How long secret values read for a run are used before they are read again. */
const REFRESH_MS = 30_000;
const MAX_RUNS = 1_000;
const MAX_ATTEMPTS = 10_000;

interface RunEntry {
  readonly projectId: string;
  readonly values: Set<string>;
  masker: SecretMasker;
  loadedAt: number;
}

interface AttemptEntry {
  readonly runId: string;
  readonly projectId: string;
}

/**
 * A {@link SecretMasker} per run for the log text the server receives, so that a
 * secret reaches storage masked even from an agent that does not mask. Each masks every
 * value the run may have seen: those handed to its attempts here ({@link remember}) and
 * its project's current values, read again after 30 seconds or at once when they change
 * in this process; a value once masked for a run stays masked. Recently used runs and
 * attempts are cached, the oldest forgotten first.
 */
export class SecretMaskers {
  private readonly runs = new Map<string, RunEntry>();
  private readonly loading = new Map<string, Promise<SecretMasker>>();
  private readonly attempts = new Map<string, AttemptEntry>();

  constructor(
    private readonly store: ControlStore,
    private readonly secrets: ProjectSecrets,
    private readonly now: () => number = Date.now,
  ) {
    secrets.onChange((projectId) => {
      for (const entry of this.runs.values()) {
        if (entry.projectId === projectId) entry.loadedAt = Number.NEGATIVE_INFINITY;
      }
    });
  }

  /** The masker of the attempt's run; null when there is no such attempt. */
  async forAttempt(attemptId: string): Promise<SecretMasker | null> {
    let attempt = this.attempts.get(attemptId);
    if (attempt === undefined) {
      const info = await this.store.getAttempt(attemptId);
      if (info === null) return null;
      attempt = { runId: info.runId, projectId: info.projectId };
      setNewest(this.attempts, attemptId, attempt, MAX_ATTEMPTS);
    }
    return this.forRun(attempt.runId, attempt.projectId);
  }

  /** Notes values handed to an attempt of the run, so they are masked in its logs. */
  remember(runId: string, projectId: string, values: readonly string[]): void {
    const entry = this.runs.get(runId);
    if (entry === undefined) {
      this.put(runId, { projectId, values: new Set(values), loadedAt: this.now() });
      return;
    }
    const before = entry.values.size;
    for (const value of values) entry.values.add(value);
    if (entry.values.size !== before) entry.masker = new SecretMasker([...entry.values]);
  }

  private forRun(runId: string, projectId: string): Promise<SecretMasker> {
    const entry = this.runs.get(runId);
    if (entry !== undefined && this.now() - entry.loadedAt < REFRESH_MS) {
      return Promise.resolve(entry.masker);
    }
    let pending = this.loading.get(runId);
    if (pending === undefined) {
      pending = this.load(runId, projectId).finally(() => this.loading.delete(runId));
      this.loading.set(runId, pending);
    }
    return pending;
  }

  private async load(runId: string, projectId: string): Promise<SecretMasker> {
    const loadedAt = this.now();
    const current = Object.values(await this.secrets.values(projectId));
    const values = new Set([...(this.runs.get(runId)?.values ?? []), ...current]);
    return this.put(runId, { projectId, values, loadedAt }).masker;
  }

  private put(runId: string, entry: Omit<RunEntry, 'masker'>): RunEntry {
    const full: RunEntry = { ...entry, masker: new SecretMasker([...entry.values]) };
    setNewest(this.runs, runId, full, MAX_RUNS);
    return full;
  }
}

/** Sets `key` as the newest entry of `map`, forgetting the oldest beyond `max`. */
function setNewest<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
}
