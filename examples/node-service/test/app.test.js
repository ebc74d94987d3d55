import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app.js';

describe('notes service over HTTP', () => {
  let server;
  let base;

  before(async () => {
    server = createServer(createApp({ version: '9.9.9' }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${server.address().port}`;
  });

  after(() => {
    server.close();
  });

  const post = (path, body) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('reports its health and version', async () => {
    const response = await fetch(`${base}/health`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', version: '9.9.9' });
  });

  it('creates a note and reads it back', async () => {
    const created = await post('/notes', { text: '  buy milk  ' });
    assert.equal(created.status, 201);
    const note = await created.json();
    assert.equal(note.text, 'buy milk');

    const read = await fetch(`${base}/notes/${note.id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), note);
  });

  it('lists notes', async () => {
    await post('/notes', { text: 'listed' });
    const response = await fetch(`${base}/notes`);
    const notes = await response.json();
    assert.ok(notes.some((n) => n.text === 'listed'));
  });

  it('deletes a note', async () => {
    const note = await (await post('/notes', { text: 'short-lived' })).json();
    const deleted = await fetch(`${base}/notes/${note.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    const again = await fetch(`${base}/notes/${note.id}`, { method: 'DELETE' });
    assert.equal(again.status, 404);
  });

  it('rejects a note without text', async () => {
    const response = await post('/notes', { text: '   ' });
    assert.equal(response.status, 400);
    assert.match((await response.json()).error, /non-empty/);
  });

  it('rejects a body that is not JSON', async () => {
    const response = await post('/notes', 'not json');
    assert.equal(response.status, 400);
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/health`, { method: 'DELETE' })).status, 405);
  });
});
