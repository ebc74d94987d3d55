const LINE_END = /\r\n|\r|\n/g;

/** One server-sent event. */
export interface ServerSentEvent {
  /** The `event` field; `message` when the event has none. */
  readonly event: string;
  readonly data: string;
  /** The `id` field of this event, if it had one. */
  readonly id: string | undefined;
}

/**
 * Parses a `text/event-stream` body into events, as the EventSource standard reads it:
 * lines end with CR, LF or CRLF; a blank line dispatches the event; lines starting with
 * `:` are comments; `data` lines are joined with line breaks; an event without data is
 * not dispatched.
 */
export async function* readEventStream(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let sawCr = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      if (sawCr && buffer.startsWith('\n')) buffer = buffer.slice(1);
      sawCr = false;
      let start = 0;
      for (;;) {
        LINE_END.lastIndex = start;
        const found = LINE_END.exec(buffer);
        if (found === null) break;
        const end = found.index;
        if (found[0] === '\r' && end === buffer.length - 1) sawCr = true;
        const line = buffer.slice(start, end);
        start = end + found[0].length;
        if (line === '') {
          if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), id };
          event = '';
          data = [];
          id = undefined;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') event = text;
        else if (field === 'data') data.push(text);
        else if (field === 'id' && !text.includes('\0')) id = text;
      }
      buffer = buffer.slice(start);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
