import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AgentLogsRequest } from './agent.js';
import { decodeLogBatch, encodeLogBatch } from './log-batch-frame.js';

const chunk = (text: string, seq = 1) => ({
  attemptId: 'at-1',
  step: 0,
  seq,
  stream: 'stdout' as const,
  text,
  at: 1_700_000_000_000,
});

const roundTrip = (request: AgentLogsRequest) => decodeLogBatch(encodeLogBatch(request));

describe('log batch frames', () => {
  it('give back every chunk as it was sent', () => {
    const texts = ['', 'plain\n', '\ufeffstarts with a BOM', 'déjà vu 😀 \u001b[31m"\\', '\n\n'];
    const request = { agentId: 'ag-1', chunks: texts.map((text, i) => chunk(text, i + 1)) };
    expect(roundTrip(request)).toEqual({ ok: true, request });
  });

  it('give back any well-formed text, and a lone surrogate as U+FFFD', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 200 }), { maxLength: 20 }),
        (texts) => {
          const request = { agentId: 'ag', chunks: texts.map((text, i) => chunk(text, i)) };
          expect(roundTrip(request)).toEqual({ ok: true, request });
        },
      ),
    );
    const decoded = roundTrip({ agentId: 'ag', chunks: [chunk('a\ud800b')] });
    expect(decoded.ok && decoded.request.chunks[0]?.text).toBe('a\ufffdb');
  });

  it('say what is wrong with a malformed frame', () => {
    const frame = encodeLogBatch({ agentId: 'ag', chunks: [chunk('hello')] });
    const text = (s: string) => new TextEncoder().encode(s);
    const cases: [Uint8Array, string][] = [
      [text('{"agentId":"ag","chunks":[]}'), 'no line of JSON'],
      [text('{"agentId":\nrest'), 'not JSON'],
      [text('{"agentId":"ag","chunks":[{"seq":1}]}\n'), 'first line: chunks.0'],
      [frame.subarray(0, frame.length - 1), 'shorter'],
      [new Uint8Array([...frame, 0x21]), 'longer'],
    ];
    for (const [bytes, problem] of cases) {
      const decoded = decodeLogBatch(bytes);
      expect(decoded.ok, problem).toBe(false);
      if (!decoded.ok) expect(decoded.problem).toContain(problem);
    }
  });
});
