import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactPathProblem } from '@slipway/api';
import type { ArtifactFile, Clock, TestReport } from '@slipway/core';
import { AgentRequestError, isRetriable, type AgentConnection } from './agent-connection.js';
import { fitReport } from './fit-report.js';
import { retryDelayMs, type RetryPolicy } from './retry-delay.js';

/** What an attempt leaves to be sent to the control plane before it is finished. */
export interface AttemptOutputs {
  readonly testReport: TestReport | null;
  readonly artifacts: readonly ArtifactFile[];
  /** Where the workspace copied the artifacts: `<folder>/<task id, URI-encoded>/<path>`. */
  readonly artifactsDir: string;
}

/** What {@link publishOutputs} works with. */
export interface PublishContext {
  readonly connection: AgentConnection;
  readonly agentId: string;
  readonly attemptId: string;
  readonly taskId: string;
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  /** Aborted when the attempt is no longer worth sending anything for. */
  readonly signal: AbortSignal;
  /** Writes a warning into the attempt's log. */
  readonly warn: (message: string) => void;
  /** Tells the agent's operator about network problems. */
  readonly say: (message: string) => void;
}

/**
 * Sends an attempt's test report, then its artifact files one by one, each retried with
 * backoff while the network fails. A refused report is a warning; a refused artifact (too
 * large, say) is a problem that fails a succeeded attempt, returned as its reason. Stops,
 * returning null, once the attempt is no longer the agent's.
 */
export async function publishOutputs(
  context: PublishContext,
  outputs: AttemptOutputs,
): Promise<string | null> {
  const { connection, agentId, attemptId } = context;
  if (outputs.testReport !== null) {
    const { report, cut } = fitReport(outputs.testReport);
    if (cut) context.warn(`the test report was shortened to fit the upload limit: ${cut}`);
    const sent = await retrying(context, 'the test report', () =>
      connection.sendReport({ agentId, attemptId, report }),
    );
    if (sent.kind === 'gone') return null;
    if (sent.kind === 'refused') context.warn(`the test report was refused: ${sent.message}`);
    if (sent.kind === 'done' && !sent.value.accepted) return null;
  }
  const folder = join(outputs.artifactsDir, encodeURIComponent(context.taskId));
  for (const artifact of outputs.artifacts) {
    const problem = artifactPathProblem(artifact.path);
    if (problem !== null)
      return `artifact ${JSON.stringify(artifact.path)} cannot be kept: the path ${problem}`;
    const file = join(folder, ...artifact.path.split('/'));
    const { size } = await stat(file);
    const sent = await retrying(context, `artifact ${artifact.path}`, () =>
      connection.uploadArtifact({ agentId, attemptId, path: artifact.path, file, size }),
    );
    if (sent.kind === 'gone') return null;
    if (sent.kind === 'refused') return `artifact ${artifact.path} was refused: ${sent.message}`;
  }
  return null;
}

type Sent<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'gone' };

async function retrying<T>(
  context: PublishContext,
  what: string,
  send: () => Promise<T>,
): Promise<Sent<T>> {
  for (let failures = 1; ; failures++) {
    if (context.signal.aborted) return { kind: 'gone' };
    try {
      return { kind: 'done', value: await send() };
    } catch (error) {
      if (error instanceof AgentRequestError && error.status === 409) return { kind: 'gone' };
      if (!isRetriable(error)) {
        return { kind: 'refused', message: error instanceof Error ? error.message : String(error) };
      }
      const why = error instanceof Error ? error.message : String(error);
      context.say(`sending ${what} of attempt ${context.attemptId} failed (retrying): ${why}`);
      await context.clock.sleep(retryDelayMs(context.retry, failures), context.signal);
    }
  }
}
