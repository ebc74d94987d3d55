import type { ControlStore, LogChunk, LogLimit } from '@slipway/core';
import type { SecretMaskers } from '../secrets/secret-maskers.js';
import type { LogNotifier } from './log-notifier.js';

/** What {@link LogIntake} works with. */
export interface LogIntakeContext {
  readonly store: ControlStore;
  readonly maskers: SecretMaskers;
  readonly notifier: LogNotifier;
  /** Bytes of log text one step may store. */
  readonly maxStepLogBytes: number;
}

/**
 * Stores log chunks sent by agents: masks the run's secrets in each chunk (agents mask
 * too; this is the second line), keeps each step within the size limit (the chunk that
 * crosses it ends with {@link truncationMarker}), and wakes followers. Chunks of
 * attempts that do not exist are dropped.
 */
export class LogIntake {
  private readonly limit: LogLimit;

  constructor(private readonly context: LogIntakeContext) {
    this.limit = {
      maxStepBytes: context.maxStepLogBytes,
      marker: truncationMarker(context.maxStepLogBytes),
    };
  }

  async append(chunks: readonly LogChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    const attemptIds = [...new Set(chunks.map((c) => c.attemptId))];
    const maskers = new Map(
      await Promise.all(
        attemptIds.map(async (id) => [id, await this.context.maskers.forAttempt(id)] as const),
      ),
    );
    const masked: LogChunk[] = [];
    for (const chunk of chunks) {
      const masker = maskers.get(chunk.attemptId);
      if (masker) masked.push({ ...chunk, text: masker.mask(chunk.text) });
    }
    if (masked.length === 0) return;
    await this.context.store.appendLogs(masked, this.limit);
    this.context.notifier.notify(attemptIds);
  }
}

/** The line that ends a step's stored output when it printed more than `maxBytes`. */
export function truncationMarker(maxBytes: number): string {
  return `[slipway] log truncated: this step printed more than ${formatSize(maxBytes)}\n`;
}

function formatSize(bytes: number): string {
  const units: readonly [number, string][] = [
    [1024 * 1024, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const amount = bytes / size;
      return `${Number.isInteger(amount) ? amount : amount.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}
