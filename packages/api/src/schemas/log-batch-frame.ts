import { z } from 'zod';
import type { AgentLogsRequest } from './agent.js';
import { Id } from './common.js';
import { LogChunk } from './logs.js';

/** The content type of a log batch sent as a frame (see {@link encodeLogBatch}). */
export const LOG_BATCH_FRAME_TYPE = 'application/vnd.slipway.log-batch';

const FrameHeader = z.object({
  agentId: Id,
  chunks: z
    .array(LogChunk.omit({ text: true }).extend({ bytes: z.number().int().nonnegative() }))
    .max(10_000),
});

const NEWLINE = 0x0a;

/** A frame read back, or what is wrong with it. */
export type DecodedLogBatch =
  | { readonly ok: true; readonly request: AgentLogsRequest }
  | { readonly ok: false; readonly problem: string };

/**
 * A log batch as one body, the form agents send it in: a line of JSON, the request with
 * each chunk's `text` replaced by `bytes`, its length in UTF-8, and then the texts in
 * UTF-8, one after the other. Neither side escapes the texts or reads them as JSON, and
 * they are most of a batch. A lone surrogate in a text arrives as U+FFFD.
 */
export function encodeLogBatch(request: AgentLogsRequest): Uint8Array {
  const encoder = new TextEncoder();
  const texts = request.chunks.map((chunk) => encoder.encode(chunk.text));
  const chunks = request.chunks.map((chunk, i) => ({
    attemptId: chunk.attemptId,
    step: chunk.step,
    seq: chunk.seq,
    stream: chunk.stream,
    at: chunk.at,
    bytes: texts[i]?.length ?? 0,
  }));
  const header = encoder.encode(`${JSON.stringify({ agentId: request.agentId, chunks })}\n`);
  const frame = new Uint8Array(texts.reduce((sum, text) => sum + text.length, header.length));
  frame.set(header, 0);
  let at = header.length;
  for (const text of texts) {
    frame.set(text, at);
    at += text.length;
  }
  return frame;
}

/** Reads a frame made by {@link encodeLogBatch}. */
export function decodeLogBatch(frame: Uint8Array): DecodedLogBatch {
  const headerEnd = frame.indexOf(NEWLINE);
  if (headerEnd === -1) return { ok: false, problem: 'no line of JSON starts the frame' };
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(frame.subarray(0, headerEnd)));
  } catch {
    return { ok: false, problem: 'its first line is not JSON' };
  }
  const header = FrameHeader.safeParse(json);
  if (!header.success) {
    const issue = header.error.issues[0];
    return {
      ok: false,
      problem: `its first line: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
    };
  }
  const chunks: LogChunk[] = [];
  let at = headerEnd + 1;
  for (const { bytes, ...chunk } of header.data.chunks) {
    if (at + bytes > frame.length) {
      return { ok: false, problem: 'its texts are shorter than its first line says' };
    }
    chunks.push({ ...chunk, text: decoder.decode(frame.subarray(at, at + bytes)) });
    at += bytes;
  }
  if (at !== frame.length) {
    return { ok: false, problem: 'its texts are longer than its first line says' };
  }
  return { ok: true, request: { agentId: header.data.agentId, chunks } };
}
