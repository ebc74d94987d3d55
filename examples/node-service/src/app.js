import { Notes } from './notes.js';

const MAX_BODY_BYTES = 16 * 1024;
const MAX_NOTE_LENGTH = 500;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The request handler of the notes service:
 *   GET /health, GET /notes, POST /notes {"text": "..."}, GET /notes/:id, DELETE /notes/:id
 */
export function createApp({ version = '0.0.0', notes = new Notes() } = {}) {
  return async function handle(request, response) {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const result = await route(request, url.pathname, notes, version);
      send(response, result.status, result.body);
    } catch (error) {
      if (error instanceof HttpError) send(response, error.status, { error: error.message });
      else send(response, 500, { error: 'internal error' });
    }
  };
}

async function route(request, path, notes, version) {
  if (path === '/health') {
    allow(request, ['GET']);
    return { status: 200, body: { status: 'ok', version } };
  }
  if (path === '/notes') {
    allow(request, ['GET', 'POST']);
    if (request.method === 'GET') return { status: 200, body: notes.list() };
    const { text } = await readJson(request);
    if (typeof text !== 'string' || text.trim() === '') {
      throw new HttpError(400, 'text must be a non-empty string');
    }
    if (text.length > MAX_NOTE_LENGTH) {
      throw new HttpError(400, `text must be at most ${MAX_NOTE_LENGTH} characters`);
    }
    return { status: 201, body: notes.add(text.trim()) };
  }
  const match = /^\/notes\/(\d+)$/.exec(path);
  if (match) {
    allow(request, ['GET', 'DELETE']);
    const id = Number(match[1]);
    if (request.method === 'DELETE') {
      if (!notes.remove(id)) throw new HttpError(404, `no note ${id}`);
      return { status: 204, body: null };
    }
    const note = notes.get(id);
    if (!note) throw new HttpError(404, `no note ${id}`);
    return { status: 200, body: note };
  }
  throw new HttpError(404, `no route for ${path}`);
}

function allow(request, methods) {
  if (!methods.includes(request.method)) {
    throw new HttpError(405, `use ${methods.join(' or ')}`);
  }
}

async function readJson(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (value === null || typeof value !== 'object') throw new Error('not an object');
    return value;
  } catch {
    throw new HttpError(400, 'the body must be a JSON object');
  }
}

function send(response, status, body) {
  if (body === null) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}
