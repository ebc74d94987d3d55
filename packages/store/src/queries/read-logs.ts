import type { LogChunk } from '@slipway/core';
import type { StoreContext } from '../store-context.js';

/** An attempt's chunks after `afterSeq`, in sequence order, at most `limit`. */
export async function readLogs(
  ctx: StoreContext,
  attemptId: string,
  afterSeq: number,
  limit: number,
): Promise<LogChunk[]> {
  const rows = await ctx.db
    .selectFrom('log_chunks')
    .select(['step', 'seq', 'stream', 'text', 'at'])
    .where('attempt_id', '=', attemptId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .orderBy('step')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    attemptId,
    step: row.step,
    seq: row.seq,
    stream: row.stream === 'stderr' ? 'stderr' : 'stdout',
    text: row.text,
    at: row.at,
  }));
}
