import { CommitSync, type LogChunk, type LogLimit } from '@slipway/core';
import type { LogStepsTable } from '../database.js';
import { chunks } from '../rows/chunks.js';
import type { StoreContext } from '../store-context.js';
import { writeTransaction } from '../write-transaction.js';

interface StepCount {
  readonly attemptId: string;
  readonly step: number;
  bytes: number;
  truncated: boolean;
  changed: boolean;
}

/**
 * Appends log chunks keeping at most `limit.maxStepBytes` bytes per step of an attempt.
 * The bytes stored so far are counted in `log_steps`, whose rows are locked for the
 * transaction (PostgreSQL) or written by the single writer (SQLite), so that concurrent
 * batches of one attempt, also through different server replicas, share one count.
 * Chunks already stored are left out before counting, so a batch sent again counts once.
 * Committed {@link CommitSync.Later}, like every log append.
 */
export function appendLogsWithin(
  ctx: StoreContext,
  logs: readonly LogChunk[],
  limit: LogLimit,
): Promise<void> {
  if (logs.length === 0) return Promise.resolve();
  return writeTransaction(
    ctx,
    async (trx) => {
      const attemptIds = [...new Set(logs.map((c) => c.attemptId))];
      const stepKeys = new Map<string, { attempt_id: string; step: number }>();
      for (const c of logs) {
        stepKeys.set(stepKey(c.attemptId, c.step), { attempt_id: c.attemptId, step: c.step });
      }
      for (const batch of chunks([...stepKeys.values()])) {
        await trx
          .insertInto('log_steps')
          .values(batch.map((row) => ({ ...row, bytes: 0, truncated: 0 })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      const counts = new Map<string, StepCount>();
      for (const ids of chunks(attemptIds)) {
        const rows: Pick<LogStepsTable, 'attempt_id' | 'step' | 'bytes' | 'truncated'>[] = await trx
          .selectFrom('log_steps')
          .select(['attempt_id', 'step', 'bytes', 'truncated'])
          .where('attempt_id', 'in', ids)
          .$if(ctx.dialect.locksRows, (q) => q.forUpdate())
          .execute();
        for (const row of rows) {
          counts.set(stepKey(row.attempt_id, row.step), {
            attemptId: row.attempt_id,
            step: row.step,
            bytes: row.bytes,
            truncated: row.truncated !== 0,
            changed: false,
          });
        }
      }

      const stored = new Set<string>();
      for (const attemptId of attemptIds) {
        const seqs = logs.filter((c) => c.attemptId === attemptId).map((c) => c.seq);
        const rows = await trx
          .selectFrom('log_chunks')
          .select(['seq', 'step'])
          .where('attempt_id', '=', attemptId)
          .where('seq', '>=', Math.min(...seqs))
          .where('seq', '<=', Math.max(...seqs))
          .execute();
        for (const row of rows) stored.add(chunkKey(attemptId, row.step, row.seq));
      }

      const kept: LogChunk[] = [];
      for (const chunk of logs) {
        const key = chunkKey(chunk.attemptId, chunk.step, chunk.seq);
        const count = counts.get(stepKey(chunk.attemptId, chunk.step));
        if (stored.has(key) || count === undefined || count.truncated) continue;
        stored.add(key);
        const bytes = Buffer.byteLength(chunk.text, 'utf8');
        if (count.bytes + bytes <= limit.maxStepBytes) {
          count.bytes += bytes;
          count.changed = true;
          kept.push(chunk);
          continue;
        }
        const head = cutToBytes(chunk.text, Math.max(0, limit.maxStepBytes - count.bytes));
        count.bytes += Buffer.byteLength(head, 'utf8');
        count.truncated = true;
        count.changed = true;
        const separator = head === '' || head.endsWith('\n') ? '' : '\n';
        kept.push({ ...chunk, text: `${head}${separator}${limit.marker}` });
      }

      for (const batch of chunks(kept)) {
        await trx
          .insertInto('log_chunks')
          .values(
            batch.map((c) => ({
              attempt_id: c.attemptId,
              step: c.step,
              seq: c.seq,
              stream: c.stream,
              text: c.text,
              at: c.at,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      for (const count of counts.values()) {
        if (!count.changed) continue;
        await trx
          .updateTable('log_steps')
          .set({ bytes: count.bytes, truncated: count.truncated ? 1 : 0 })
          .where('attempt_id', '=', count.attemptId)
          .where('step', '=', count.step)
          .execute();
      }
    },
    CommitSync.Later,
  );
}

function stepKey(attemptId: string, step: number): string {
  return `${attemptId}\u0000${step}`;
}

function chunkKey(attemptId: string, step: number, seq: number): string {
  return `${attemptId}\u0000${step}\u0000${seq}`;
}

/** The longest start of `text` whose UTF-8 form has at most `bytes` bytes; never splits a character. */
function cutToBytes(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(bytes));
  return text.slice(0, read);
}
