import { CommitSync, type LogChunk, type LogLimit } from '@slipway/core';
import { chunks } from '../rows/chunks.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';
import { appendLogsWithin } from './append-logs-within.js';

/**
 * Inserts log chunks in multi-row statements, in one transaction committed
 * {@link CommitSync.Later}; a chunk whose key exists is ignored. With a `limit`, the bytes
 * per step are counted and bounded (see {@link appendLogsWithin}).
 */
export async function appendLogs(
  ctx: StoreContext,
  logs: readonly LogChunk[],
  limit?: LogLimit,
): Promise<void> {
  if (limit !== undefined) return appendLogsWithin(ctx, logs, limit);
  if (logs.length === 0) return;
  const batches = chunks(
    logs.map((chunk) => ({
      attempt_id: chunk.attemptId,
      step: chunk.step,
      seq: chunk.seq,
      stream: chunk.stream,
      text: chunk.text,
      at: chunk.at,
    })),
  );
  await writeTransaction(
    ctx,
    async (trx) => {
      for (const batch of batches) {
        await trx
          .insertInto('log_chunks')
          .values(batch)
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    },
    CommitSync.Later,
  );
}
