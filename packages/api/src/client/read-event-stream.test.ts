import { describe, expect, it } from 'vitest';
import { readEventStream, type ServerSentEvent } from './read-event-stream.js';

function body(pieces: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

async function events(pieces: readonly string[]): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const event of readEventStream(body(pieces))) out.push(event);
  return out;
}

describe('readEventStream', () => {
  it('reads events with their type, id and data, skipping comments', async () => {
    expect(
      await events([
        ': keep-alive\n\nid: 4\nevent: log\ndata: {"a":1}\n\nevent: end\ndata: {}\n\n',
      ]),
    ).toEqual([
      { event: 'log', data: '{"a":1}', id: '4' },
      { event: 'end', data: '{}', id: undefined },
    ]);
  });

  it('joins data lines, defaults the type to message and skips events without data', async () => {
    expect(await events(['data: one\ndata:two\n\nevent: empty\n\ndata\n\n'])).toEqual([
      { event: 'message', data: 'one\ntwo', id: undefined },
      { event: 'message', data: '', id: undefined },
    ]);
  });

  it('reads CR, LF and CRLF line ends, also when split between pieces', async () => {
    const text = 'id: 1\r\ndata: a\r\n\r\nid: 2\rdata: b\r\rid: 3\ndata: c\n\n';
    const expected = [
      { event: 'message', data: 'a', id: '1' },
      { event: 'message', data: 'b', id: '2' },
      { event: 'message', data: 'c', id: '3' },
    ];
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await events([text.slice(0, cut), text.slice(cut)])).toEqual(expected);
    }
  });

  it('decodes characters split between pieces', async () => {
    const bytes = new TextEncoder().encode('data: 日本 🚀\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const out: ServerSentEvent[] = [];
    for await (const event of readEventStream(stream)) out.push(event);
    expect(out).toEqual([{ event: 'message', data: '日本 🚀', id: undefined }]);
  });

  it('drops an unfinished event at the end of the stream', async () => {
    expect(await events(['data: whole\n\ndata: cut off'])).toEqual([
      { event: 'message', data: 'whole', id: undefined },
    ]);
  });
});
