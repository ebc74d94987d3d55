import { StopMode } from '../scheduler/decisions.js';

/**
 * How the caller of `runPlan` stops a run. `cancel()` stops running steps gracefully
 * (SIGTERM, then SIGKILL after the grace period), cancels tasks that have not started
 * and still runs `finally` tasks; the run ends cancelled. `kill()` kills every running
 * step at once and runs nothing more. Requests made before the run starts are kept.
 */
export class RunControls {
  private readonly requests: StopMode[] = [];
  private readonly listeners = new Set<(mode: StopMode) => void>();

  /** Asks the run to stop gracefully. */
  cancel(): void {
    this.request(StopMode.Cancel);
  }

  /** Asks the run to stop at once. */
  kill(): void {
    this.request(StopMode.Kill);
  }

  /**
   * Calls `listener` for each request, first for those already made. Returns a function
   * that stops the calls.
   */
  onRequest(listener: (mode: StopMode) => void): () => void {
    for (const mode of this.requests) listener(mode);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private request(mode: StopMode): void {
    this.requests.push(mode);
    for (const listener of this.listeners) listener(mode);
  }
}
