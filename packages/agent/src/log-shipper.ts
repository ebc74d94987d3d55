import type { Clock, LogChunk, OutputStream, Timer } from '@slipway/core';
import { isRetriable } from './agent-connection.js';
import type { LogSpool, SpooledOutput } from './log-spool.js';
import { retryDelayMs, type RetryPolicy } from './retry-delay.js';

/**
 * The longest text of one chunk, in UTF-16 code units; as JSON it takes at most 6 times
 * as many bytes.
 */
export const MAX_CHUNK_CHARS = 64 * 1024;

/**
 * Told to the reader where output was dropped because the control plane fell behind by
 * more than the shipper's memory and spool hold.
 */
export const DROPPED_OUTPUT_MARKER =
  '\n[slipway: output dropped here: the control plane did not take logs fast enough]\n';

/** How a {@link LogShipper} batches and sends. */
export interface LogShipperOptions {
  /** Sends one batch; resolves once the control plane has stored it. */
  readonly send: (chunks: LogChunk[]) => Promise<void>;
  readonly clock: Clock;
  /** Output waits at most this long before it is sent. */
  readonly flushMs: number;
  /** Output is sent without waiting once this many characters are queued. */
  readonly flushChars?: number;
  /**
   * The largest batch: the JSON of its chunks array, in bytes, counted from above (each
   * character of text as 6 bytes, the most JSON takes for one). A batch takes at least
   * one chunk, so this should exceed `6 * MAX_CHUNK_CHARS` and the chunk's other fields.
   */
  readonly maxBatchBytes: number;
  /** The most chunks in one batch. */
  readonly maxBatchChunks: number;
  /**
   * Output beyond this many characters not yet sent waits in `spool`; without a spool,
   * or once the spool is full, it is dropped (with a marker).
   */
  readonly maxPendingChars?: number;
  /** Where output waits while the memory bound is reached. */
  readonly spool?: LogSpool;
  readonly retry: RetryPolicy;
  /** Told about each failed send; `willRetry` is false when the batch was given up. */
  readonly onSendError?: (error: unknown, willRetry: boolean) => void;
}

interface PendingChunk {
  readonly attemptId: string;
  readonly step: number;
  readonly seq: number;
  readonly stream: OutputStream;
  text: string;
  readonly at: number;
  /** Taken into a batch (or full): no more text may be added. */
  sealed: boolean;
}

interface AttemptLog {
  nextSeq: number;
  /** The attempt's latest chunk, which more output of the same step and stream joins. */
  open: PendingChunk | undefined;
  /** Chunks appended and neither sent nor dropped. */
  outstanding: number;
  /** Outputs waiting in the spool. */
  spooled: number;
  /** The step whose output came last. */
  lastStep: number;
  waiters: (() => void)[];
  dropped: boolean;
  /** Output is being dropped for lack of room; cleared when room is back. */
  overflowing: boolean;
  /** Bytes of output the control plane stores per step; unlimited when undefined. */
  maxStepBytes: number | undefined;
  /** Bytes of output appended per step, counted while there is a limit. */
  readonly stepBytes: Map<number, number>;
}

/*
 * Log output of all attempts of an agent on its way to the control plane. Output is
 * appended as it arrives; each attempt's chunks get `seq` 1, 2, … in order, and output
 * of the same step and stream joins the attempt's latest chunk until it is sent, so that
 * a chatty step makes few large chunks rather than many small ones.
 *
 * One send is in flight at a time and a failed batch is retried before anything after it
 * is sent, so each attempt's chunks reach the control plane in order (it ignores chunks
 * it already has, so a retried batch is harmless). A batch goes out when `flushMs` has
 * passed since output was queued, when `flushChars` are queued, or at once while someone
 * waits for an attempt's output to be delivered.
 *
 * Memory is bounded. Once more than `maxPendingChars` wait, all new output goes to the
 * spool, a file (see LogSpool), and stays there until the spool is empty again: output
 * is taken back from it, oldest first, whenever less than half of the bound waits in
 * memory, so each attempt's output still reaches the control plane in order. Only what
 * does not fit in the spool either (or everything beyond the bound, without a spool) is
 * dropped, and a marker says so.
 */
export class LogShipper {
  private readonly queue: PendingChunk[] = [];
  private head = 0;
  /** Characters of chunks queued or in flight. */
  private pendingChars = 0;
  /** Characters of chunks queued and not yet in a batch. */
  private queuedChars = 0;
  private readonly attempts = new Map<string, AttemptLog>();
  private timer: Timer | undefined;
  private due = false;
  private urgent = 0;
  private sending = false;
  /** New output goes to the spool (until everything in it has been taken back). */
  private spilling = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly closing = new AbortController();
  private readonly flushChars: number;
  private readonly maxPendingChars: number;

  constructor(private readonly options: LogShipperOptions) {
    this.flushChars = options.flushChars ?? 256 * 1024;
    this.maxPendingChars = options.maxPendingChars ?? 32 * 1024 * 1024;
  }

  /** Adds output of step `step` (0-based) of an attempt. */
  append(attemptId: string, step: number, stream: OutputStream, text: string): void {
    if (text === '' || this.closing.signal.aborted) return;
    const log = this.attemptLog(attemptId);
    if (log.dropped || this.pastStepLimit(log, step, text)) return;
    log.lastStep = step;
    const output = { attemptId, step, stream, text, at: Math.round(this.options.clock.now()) };
    const { spool } = this.options;
    if (spool && (this.spilling || this.pendingChars + text.length > this.maxPendingChars)) {
      this.spill(spool, log, output);
    } else {
      this.keep(log, output);
    }
    if (this.spilling || this.queuedChars >= this.flushChars) void this.pump();
    else this.arm();
  }

  /**
   * Resolves once every chunk of the attempt appended so far has been sent or dropped (or
   * the shipper was closed). Output is sent at once while someone waits.
   */
  delivered(attemptId: string): Promise<void> {
    const log = this.attempts.get(attemptId);
    if (!log || isDelivered(log) || this.closing.signal.aborted) return Promise.resolve();
    this.urgent++;
    const done = new Promise<void>((resolve) => {
      log.waiters.push(() => {
        this.urgent--;
        resolve();
      });
    });
    void this.pump();
    return done;
  }

  /** Whether every chunk of the attempt appended so far has been delivered (or dropped). */
  isDelivered(attemptId: string): boolean {
    const log = this.attempts.get(attemptId);
    return log === undefined || isDelivered(log);
  }

  /**
   * Tells the shipper that the control plane stores at most `maxStepBytes` bytes of each
   * step of the attempt: once a step's output has passed that (the control plane cuts the
   * chunk that crosses it and marks the cut), the rest of it is not sent.
   */
  limitSteps(attemptId: string, maxStepBytes: number): void {
    this.attemptLog(attemptId).maxStepBytes = maxStepBytes;
  }

  /** Forgets the attempt's output not yet sent, and ignores what it appends later. */
  drop(attemptId: string): void {
    const log = this.attemptLog(attemptId);
    log.dropped = true;
    log.open = undefined;
    const kept: PendingChunk[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const chunk = this.queue[i];
      if (!chunk) continue;
      if (chunk.attemptId === attemptId) {
        this.pendingChars -= chunk.text.length;
        this.queuedChars -= chunk.text.length;
      } else {
        kept.push(chunk);
      }
    }
    this.queue.length = 0;
    this.head = 0;
    this.queue.push(...kept);
    log.outstanding = 0;
    log.spooled = 0;
    this.settleWaiters(log);
  }

  /** Forgets an attempt whose output has been delivered or dropped. */
  end(attemptId: string): void {
    const log = this.attempts.get(attemptId);
    if (log && isDelivered(log)) this.attempts.delete(attemptId);
  }

  /**
   * Sends everything queued and resolves once done, or once `signal` aborts; after that
   * nothing more is sent and waiters of {@link delivered} are released.
   */
  async close(signal?: AbortSignal): Promise<void> {
    if (!this.closing.signal.aborted) {
      this.urgent++;
      const idle = new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
      });
      void this.pump();
      if (signal) {
        const aborted = new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener(
            'abort',
            () => {
              resolve();
            },
            { once: true },
          );
        });
        await Promise.race([idle, aborted]);
      } else {
        await idle;
      }
      this.urgent--;
    }
    this.closing.abort();
    this.timer?.cancel();
    this.timer = undefined;
    this.spilling = false;
    this.options.spool?.close();
    for (const log of this.attempts.values()) this.settleWaiters(log, true);
  }

  private attemptLog(attemptId: string): AttemptLog {
    let log = this.attempts.get(attemptId);
    if (!log) {
      log = {
        nextSeq: 1,
        open: undefined,
        outstanding: 0,
        spooled: 0,
        lastStep: 0,
        waiters: [],
        dropped: false,
        overflowing: false,
        maxStepBytes: undefined,
        stepBytes: new Map(),
      };
      this.attempts.set(attemptId, log);
    }
    return log;
  }

  /** Whether the step's output already passed the attempt's limit; counts `text` if not. */
  private pastStepLimit(log: AttemptLog, step: number, text: string): boolean {
    if (log.maxStepBytes === undefined) return false;
    const appended = log.stepBytes.get(step) ?? 0;
    if (appended > log.maxStepBytes) return true;
    log.stepBytes.set(step, appended + Buffer.byteLength(text, 'utf8'));
    return false;
  }

  /** Keeps output in memory, or drops it (with a marker) beyond the memory bound. */
  private keep(log: AttemptLog, output: SpooledOutput): void {
    if (log.overflowing && this.pendingChars < this.maxPendingChars / 2) log.overflowing = false;
    if (log.overflowing) return;
    if (this.pendingChars + output.text.length > this.maxPendingChars) {
      log.overflowing = true;
      this.appendText(log, { ...output, text: DROPPED_OUTPUT_MARKER });
    } else {
      this.appendText(log, output);
    }
  }

  /** Keeps output in the spool, or drops it (with a marker) once the spool is full. */
  private spill(spool: LogSpool, log: AttemptLog, output: SpooledOutput): void {
    this.spilling = true;
    if (log.overflowing && spool.bytes < spool.maxBytes / 2) log.overflowing = false;
    if (log.overflowing) return;
    if (spool.put(output)) {
      log.spooled++;
      return;
    }
    log.overflowing = true;
    if (spool.put({ ...output, text: DROPPED_OUTPUT_MARKER }, true)) log.spooled++;
  }

  /** Takes output back from the spool while less than half of the memory bound waits. */
  private refill(): void {
    const { spool } = this.options;
    if (!this.spilling || !spool) return;
    const room = this.maxPendingChars / 2 - this.pendingChars;
    if (room <= 0) return;
    let taken: SpooledOutput[];
    try {
      taken = spool.take(room);
    } catch {
      this.loseSpool(spool);
      return;
    }
    for (const output of taken) {
      const log = this.attempts.get(output.attemptId);
      if (!log || log.dropped) continue;
      log.spooled--;
      this.appendText(log, output);
    }
    if (spool.bytes === 0) this.spilling = false;
  }

  /**
   * The spool could not be read back (its file was changed behind the agent's back, say):
   * what waited there is lost, and the log of each attempt that had output there says so.
   */
  private loseSpool(spool: LogSpool): void {
    spool.close();
    this.spilling = false;
    const at = Math.round(this.options.clock.now());
    for (const [attemptId, log] of this.attempts) {
      if (log.spooled === 0 || log.dropped) continue;
      log.spooled = 0;
      const marker = { attemptId, step: log.lastStep, at, text: DROPPED_OUTPUT_MARKER };
      this.appendText(log, { ...marker, stream: 'stderr' });
    }
  }

  private appendText(log: AttemptLog, output: SpooledOutput): void {
    const { attemptId, step, stream } = output;
    let rest = output.text;
    while (rest.length > 0) {
      let open = log.open;
      if (!open || open.sealed || open.step !== step || open.stream !== stream) {
        open = {
          attemptId,
          step,
          seq: log.nextSeq++,
          stream,
          text: '',
          at: output.at,
          sealed: false,
        };
        log.open = open;
        log.outstanding++;
        this.queue.push(open);
      }
      let cut = Math.min(MAX_CHUNK_CHARS - open.text.length, rest.length);
      // Never split a surrogate pair between two chunks.
      if (cut < rest.length && cut > 0 && isHighSurrogate(rest.charCodeAt(cut - 1))) cut--;
      if (cut === 0) {
        open.sealed = true;
        continue;
      }
      open.text += rest.slice(0, cut);
      rest = rest.slice(cut);
      this.pendingChars += cut;
      this.queuedChars += cut;
    }
  }

  private arm(): void {
    if (this.timer || this.due || this.head >= this.queue.length) return;
    this.timer = this.options.clock.setTimer(this.options.flushMs, () => {
      this.timer = undefined;
      this.due = true;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (!this.closing.signal.aborted) {
        this.refill();
        if (this.head >= this.queue.length) {
          if (this.spilling) continue;
          break;
        }
        if (!this.due && this.urgent === 0 && this.queuedChars < this.flushChars) break;
        await this.sendBatch(this.takeBatch());
      }
    } finally {
      this.sending = false;
    }
    if (this.head >= this.queue.length && !this.spilling) {
      this.due = false;
      this.queue.length = 0;
      this.head = 0;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    } else {
      this.arm();
    }
  }

  private takeBatch(): PendingChunk[] {
    const batch: PendingChunk[] = [];
    let size = 2;
    while (this.head < this.queue.length) {
      const chunk = this.queue[this.head];
      if (!chunk) break;
      const cost = jsonBytesAtMost(chunk) + (batch.length > 0 ? 1 : 0);
      if (batch.length >= this.options.maxBatchChunks) break;
      if (batch.length > 0 && size + cost > this.options.maxBatchBytes) break;
      chunk.sealed = true;
      batch.push(chunk);
      size += cost;
      this.queuedChars -= chunk.text.length;
      this.head++;
    }
    return batch;
  }

  /** Sends until stored, given up (an error not worth retrying) or closed. */
  private async sendBatch(taken: PendingChunk[]): Promise<void> {
    let batch = taken;
    for (let failures = 0; ;) {
      batch = batch.filter((chunk) => {
        if (!this.attempts.get(chunk.attemptId)?.dropped) return true;
        this.pendingChars -= chunk.text.length;
        return false;
      });
      if (batch.length === 0) return;
      try {
        await this.options.send(batch.map(toLogChunk));
        break;
      } catch (error) {
        failures++;
        const retry = isRetriable(error);
        this.options.onSendError?.(error, retry);
        if (!retry) break;
        await this.options.clock.sleep(
          retryDelayMs(this.options.retry, failures),
          this.closing.signal,
        );
        if (this.closing.signal.aborted) return;
      }
    }
    for (const chunk of batch) {
      this.pendingChars -= chunk.text.length;
      const log = this.attempts.get(chunk.attemptId);
      if (!log || log.dropped) continue;
      log.outstanding--;
      if (log.open === chunk) log.open = undefined;
      this.settleWaiters(log);
    }
  }

  private settleWaiters(log: AttemptLog, always = false): void {
    if (!always && !isDelivered(log)) return;
    for (const resolve of log.waiters.splice(0)) resolve();
  }
}

function isDelivered(log: AttemptLog): boolean {
  return log.outstanding === 0 && log.spooled === 0;
}

function toLogChunk(chunk: PendingChunk): LogChunk {
  return {
    attemptId: chunk.attemptId,
    step: chunk.step,
    seq: chunk.seq,
    stream: chunk.stream,
    text: chunk.text,
    at: chunk.at,
  };
}

/**
 * The most bytes the chunk's JSON takes, without serializing its text: a UTF-16 code unit
 * takes at most 6 bytes in JSON (`\u001b`, a lone surrogate), every other field exactly
 * what it takes. It bounds the chunk in a log batch frame too, where a code unit takes at
 * most 3 bytes of UTF-8 and the text's length in bytes replaces `"text":""`.
 */
function jsonBytesAtMost(chunk: PendingChunk): number {
  const fields = Buffer.byteLength(JSON.stringify({ ...toLogChunk(chunk), text: '' }), 'utf8');
  return fields + 6 * chunk.text.length;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
