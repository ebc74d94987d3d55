import { existsSync, mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock, type LogChunk } from '@slipway/core';
import { AgentRequestError } from './agent-connection.js';
import {
  DROPPED_OUTPUT_MARKER,
  LogShipper,
  MAX_CHUNK_CHARS,
  type LogShipperOptions,
} from './log-shipper.js';
import { LogSpool } from './log-spool.js';

const spoolDir = mkdtempSync(join(tmpdir(), 'slipway-log-spool-'));
let spools = 0;
const newSpool = (maxBytes = 64 * 1024 * 1024) =>
  new LogSpool(join(spoolDir, `spool-${++spools}`), maxBytes);

afterAll(() => {
  rmSync(spoolDir, { recursive: true, force: true });
});

function shipper(overrides: Partial<LogShipperOptions> = {}): {
  logs: LogShipper;
  batches: LogChunk[][];
} {
  const batches: LogChunk[][] = [];
  const logs = new LogShipper({
    clock: systemClock,
    flushMs: 10,
    maxBatchBytes: 1024 * 1024,
    maxBatchChunks: 10_000,
    retry: { baseMs: 1, maxMs: 5 },
    send: (chunks) => {
      batches.push(chunks);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { logs, batches };
}

const textOf = (batches: LogChunk[][], attemptId: string) =>
  batches
    .flat()
    .filter((c) => c.attemptId === attemptId)
    .map((c) => c.text)
    .join('');

/**
 * A shipper whose every send waits for `release`; what was sent is in `sent`.
 * `releaseUntil` keeps releasing sends until `done` settles.
 */
function gatedShipper(overrides: Partial<LogShipperOptions> = {}) {
  let release: () => void = () => undefined;
  const sent: LogChunk[] = [];
  const { logs } = shipper({
    ...overrides,
    send: async (chunks) => {
      await new Promise<void>((resolve) => (release = resolve));
      sent.push(...chunks);
    },
  });
  const releaseUntil = async (done: Promise<unknown>): Promise<void> => {
    const state = { settled: false };
    void done.finally(() => (state.settled = true));
    for (let i = 0; i < 100 && !state.settled; i++) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await done;
  };
  return {
    logs,
    sent,
    release: () => {
      release();
    },
    releaseUntil,
  };
}

describe('LogShipper', () => {
  it('joins output of a step and stream into few chunks numbered from 1 per attempt', async () => {
    const { logs, batches } = shipper();
    for (let i = 0; i < 100; i++) logs.append('a', 0, 'stdout', `line ${i}\n`);
    logs.append('a', 0, 'stderr', 'oops\n');
    logs.append('b', 0, 'stdout', 'other\n');
    logs.append('a', 1, 'stdout', 'next step\n');
    await Promise.all([logs.delivered('a'), logs.delivered('b')]);

    const chunks = batches.flat();
    expect(chunks.map((c) => [c.attemptId, c.step, c.seq, c.stream])).toEqual([
      ['a', 0, 1, 'stdout'],
      ['a', 0, 2, 'stderr'],
      ['b', 0, 1, 'stdout'],
      ['a', 1, 3, 'stdout'],
    ]);
    expect(chunks[0]?.text.split('\n')).toHaveLength(101);
  });

  it('sends output within the flush interval without being asked', async () => {
    const { logs, batches } = shipper({ flushMs: 30 });
    logs.append('a', 0, 'stdout', 'hello\n');
    expect(batches).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(textOf(batches, 'a')).toBe('hello\n');
    await logs.close();
  });

  it('sends at once when enough output is queued', async () => {
    const { logs, batches } = shipper({ flushMs: 60_000, flushChars: 1000 });
    logs.append('a', 0, 'stdout', 'x'.repeat(1500));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(textOf(batches, 'a')).toHaveLength(1500);
    await logs.close();
  });

  it('keeps batches under the byte limit and characters whole', async () => {
    const { logs, batches } = shipper({ maxBatchBytes: 200_000 });
    const emoji = '😀'.repeat(MAX_CHUNK_CHARS);
    const quotes = '"'.repeat(300_000);
    logs.append('a', 0, 'stdout', `x${emoji}`);
    logs.append('a', 0, 'stderr', quotes);
    await logs.delivered('a');

    for (const batch of batches) {
      expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(200_000);
    }
    for (const chunk of batches.flat()) {
      expect(chunk.text.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
      expect(chunk.text).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
    const out = batches.flat().filter((c) => c.stream === 'stdout');
    expect(out.map((c) => c.text).join('')).toBe(`x${emoji}`);
  });

  it('fills batches by counting characters, within the limit even for text JSON escapes', async () => {
    const limit = 6 * MAX_CHUNK_CHARS + 4096;
    const { logs, batches } = shipper({ maxBatchBytes: limit });
    // A full chunk of escapes takes nearly the whole limit as JSON: whatever joins it passes.
    const escapes = '\u001b'.repeat(MAX_CHUNK_CHARS);
    const attempts = ['c', 'd', 'e'];
    logs.append('a', 0, 'stdout', escapes);
    logs.append('b', 0, 'stdout', escapes.slice(0, 1000));
    for (const attempt of attempts) logs.append(attempt, 0, 'stdout', 'y'.repeat(1000));
    await Promise.all(['a', 'b', ...attempts].map((attempt) => logs.delivered(attempt)));

    for (const batch of batches) {
      expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(limit);
    }
    expect(textOf(batches, 'a')).toBe(escapes);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeGreaterThan(1);
    await logs.close();
  });

  it('forgets the output of a dropped attempt', async () => {
    let release: () => void = () => undefined;
    const sent: LogChunk[] = [];
    const { logs } = shipper({
      send: async (chunks) => {
        await new Promise<void>((resolve) => (release = resolve));
        sent.push(...chunks);
      },
    });
    logs.append('a', 0, 'stdout', 'first\n');
    const delivered = logs.delivered('a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    logs.append('a', 0, 'stdout', 'queued\n');
    logs.append('b', 0, 'stdout', 'kept\n');
    logs.drop('a');
    logs.append('a', 0, 'stdout', 'after\n');
    await delivered;
    release();
    const closing = logs.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await closing;
    expect(sent.map((c) => c.text)).toEqual(['first\n', 'kept\n']);
  });

  it('drops output beyond its memory bound and says so', async () => {
    const { logs, sent, releaseUntil } = gatedShipper({ maxPendingChars: 1000, flushChars: 100 });
    logs.append('a', 0, 'stdout', 'x'.repeat(200));
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 20; i++) logs.append('a', 0, 'stdout', 'y'.repeat(100));
    await releaseUntil(logs.delivered('a'));
    const text = sent.map((c) => c.text).join('');
    expect(text).toBe(`${'x'.repeat(200)}${'y'.repeat(800)}${DROPPED_OUTPUT_MARKER}`);
  });

  it('keeps output beyond its memory bound in its spool and delivers all of it in order', async () => {
    const spool = newSpool();
    const { logs, sent, release, releaseUntil } = gatedShipper({
      maxPendingChars: 1000,
      flushChars: 100,
      spool,
    });
    logs.append('a', 0, 'stdout', 'x'.repeat(200));
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 20; i++) logs.append('a', i % 2, 'stdout', `${i}`.repeat(100));
    logs.append('b', 0, 'stderr', 'b'.repeat(50));
    expect(spool.bytes).toBeGreaterThan(0);
    await releaseUntil(Promise.all([logs.delivered('a'), logs.delivered('b')]));
    expect(textOf([sent], 'a')).toBe(
      'x'.repeat(200) + Array.from({ length: 20 }, (_, i) => `${i}`.repeat(100)).join(''),
    );
    expect(textOf([sent], 'b')).toBe('b'.repeat(50));
    const seqs = sent.filter((c) => c.attemptId === 'a').map((c) => c.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(spool.bytes).toBe(0);
    const closing = logs.close();
    release();
    await closing;
  });

  it('drops what its spool cannot hold either and says so', async () => {
    const { logs, sent, releaseUntil } = gatedShipper({
      maxPendingChars: 1000,
      flushChars: 100,
      spool: newSpool(2000),
    });
    logs.append('a', 0, 'stdout', 'x'.repeat(200));
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 30; i++) logs.append('a', 0, 'stdout', 'y'.repeat(100));
    await releaseUntil(logs.delivered('a'));
    const text = textOf([sent], 'a');
    expect(text.startsWith(`${'x'.repeat(200)}${'y'.repeat(800)}`)).toBe(true);
    expect(text.endsWith(DROPPED_OUTPUT_MARKER)).toBe(true);
    expect(text.length).toBeLessThan(200 + 3000);
    expect(text.length).toBeGreaterThan(200 + 800 + 500);
  });

  it('says output was lost when its spool cannot be read back, and goes on', async () => {
    const path = join(spoolDir, 'truncated');
    const { logs, sent, releaseUntil } = gatedShipper({
      maxPendingChars: 100,
      flushChars: 10,
      spool: new LogSpool(path, 1024 * 1024),
    });
    logs.append('a', 0, 'stdout', 'x'.repeat(100));
    await new Promise((resolve) => setTimeout(resolve, 5));
    logs.append('a', 0, 'stdout', 'y'.repeat(100));
    truncateSync(path, 0);
    await releaseUntil(logs.delivered('a'));
    expect(textOf([sent], 'a')).toBe(`${'x'.repeat(100)}${DROPPED_OUTPUT_MARKER}`);
    logs.append('a', 0, 'stdout', 'later');
    await releaseUntil(logs.delivered('a'));
    expect(textOf([sent], 'a').endsWith('later')).toBe(true);
  });

  it('deletes its spool file when closed', async () => {
    const path = join(spoolDir, 'closed');
    const spool = new LogSpool(path, 1024 * 1024);
    let release: () => void = () => undefined;
    const { logs } = shipper({
      maxPendingChars: 100,
      spool,
      send: () => new Promise<void>((resolve) => (release = resolve)),
    });
    logs.append('a', 0, 'stdout', 'x'.repeat(100));
    await new Promise((resolve) => setTimeout(resolve, 5));
    logs.append('a', 0, 'stdout', 'y'.repeat(100));
    expect(existsSync(path)).toBe(true);
    const aborted = new AbortController();
    const closing = logs.close(aborted.signal);
    aborted.abort();
    release();
    await closing;
    expect(existsSync(path)).toBe(false);
  });

  it('stops sending a step’s output once it passed the control plane’s limit', async () => {
    const { logs, batches } = shipper();
    logs.limitSteps('a', 100);
    logs.append('a', 0, 'stdout', 'x'.repeat(60));
    logs.append('a', 0, 'stderr', 'é'.repeat(30));
    logs.append('a', 0, 'stdout', 'y'.repeat(10));
    logs.append('a', 1, 'stdout', 'z'.repeat(100));
    logs.append('a', 1, 'stdout', 'w');
    logs.append('a', 1, 'stdout', 'never');
    logs.append('b', 0, 'stdout', 'unlimited'.repeat(20));
    await logs.delivered('a');
    await logs.delivered('b');
    const text = (step: number) =>
      batches
        .flat()
        .filter((c) => c.attemptId === 'a' && c.step === step)
        .map((c) => c.text)
        .join('');
    expect(text(0)).toBe(`${'x'.repeat(60)}${'é'.repeat(30)}`);
    expect(text(1)).toBe(`${'z'.repeat(100)}w`);
    expect(textOf(batches, 'b')).toBe('unlimited'.repeat(20));
  });

  it('gives up a batch the control plane refuses and goes on with the next', async () => {
    const errors: boolean[] = [];
    let calls = 0;
    const sent: LogChunk[] = [];
    const { logs } = shipper({
      send: (chunks) => {
        calls++;
        if (calls === 1) return Promise.reject(new AgentRequestError('logs: 400', false, 400));
        sent.push(...chunks);
        return Promise.resolve();
      },
      onSendError: (_error, willRetry) => errors.push(willRetry),
    });
    logs.append('a', 0, 'stdout', 'lost\n');
    await logs.delivered('a');
    logs.append('a', 0, 'stdout', 'kept\n');
    await logs.delivered('a');
    expect(errors).toEqual([false]);
    expect(sent.map((c) => [c.seq, c.text])).toEqual([[2, 'kept\n']]);
  });

  it('delivers every attempt’s output complete and in order through failing sends', async () => {
    const write = fc.record({
      attempt: fc.constantFrom('a', 'b', 'c'),
      step: fc.integer({ min: 0, max: 2 }),
      stream: fc.constantFrom('stdout' as const, 'stderr' as const),
      text: fc.string({ minLength: 1, maxLength: 3000, unit: 'binary' }),
      pause: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 20 }),
        fc.boolean(),
        async (writes, failures, spooling) => {
          const arrived: LogChunk[] = [];
          let call = 0;
          const { logs } = shipper({
            flushMs: 1,
            flushChars: 2000,
            maxBatchBytes: 8000,
            maxBatchChunks: 5,
            // With a spool, a small memory bound sends much of the output through it.
            ...(spooling ? { maxPendingChars: 4000, spool: newSpool() } : {}),
            send: (chunks) => {
              if (failures[call++] === true) {
                return Promise.reject(new AgentRequestError('logs: ECONNRESET', true));
              }
              arrived.push(...chunks);
              return Promise.resolve();
            },
          });
          for (const w of writes) {
            logs.append(w.attempt, w.step, w.stream, w.text);
            if (w.pause) await new Promise((resolve) => setTimeout(resolve, 0));
          }
          await logs.close();
          for (const attempt of ['a', 'b', 'c']) {
            const mine = arrived.filter((c) => c.attemptId === attempt);
            const seqs = [...new Set(mine.map((c) => c.seq))];
            expect(seqs).toEqual(seqs.map((_, i) => i + 1));
            const expected = writes.filter((w) => w.attempt === attempt);
            for (const step of [0, 1, 2]) {
              for (const stream of ['stdout', 'stderr'] as const) {
                const want = expected
                  .filter((w) => w.step === step && w.stream === stream)
                  .map((w) => w.text)
                  .join('');
                const got = mine
                  .filter((c) => c.step === step && c.stream === stream)
                  .map((c) => c.text)
                  .join('');
                expect(got).toBe(want);
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
