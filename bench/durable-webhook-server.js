// The durable floor of `webhook-ingest`: the least a webhook intake can do and still
// answer 202 only once a delivery is on disk. A node:http server that checks the GitHub
// signature over the raw body, reads the JSON, and stores the delivery in SQLite (WAL,
// `synchronous = FULL`, Slipway's default), the deliveries that arrive together in one
// transaction (one commit and one sync per group, as Slipway's intake groups them), and
// answers each once its group is committed. No framework, no query builder, no
// authorization, no background handling of what was stored.
//
//   node bench/durable-webhook-server.js DATABASE_FILE SECRET
//
// It prints its port. bench/webhook-ingest.js runs it beside `slipway up` and a bare
// node:http server; this module has no `run`, so bench/run.js does not run it by itself.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Serves deliveries into the SQLite file at `path`; resolves with the port. */
export function serveDurably(path, secret) {
  const store = createRequire(fileURLToPath(new URL('../packages/store/', import.meta.url)));
  const Database = store('better-sqlite3');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'create table if not exists deliveries (id text primary key, delivery_id text not null unique, payload text not null)',
  );
  const insert = db.prepare(
    'insert into deliveries (id, delivery_id, payload) values (?, ?, ?) on conflict (delivery_id) do nothing',
  );
  const storeAll = db.transaction((group) => {
    for (const item of group) insert.run(randomUUID(), item.deliveryId, item.payload);
  });

  let waiting = [];
  const commitWaiting = () => {
    const group = waiting;
    waiting = [];
    let failed = false;
    try {
      storeAll(group);
    } catch {
      failed = true;
    }
    for (const item of group) item.answer(failed ? 500 : 202);
  };

  const server = createServer((request, response) => {
    const parts = [];
    request.on('data', (part) => parts.push(part));
    request.on('end', () => {
      const answer = (status) => {
        response.statusCode = status;
        response.setHeader('content-type', 'application/json');
        response.end(status === 202 ? '{"event":"x","duplicate":false}' : '{}');
      };
      const body = Buffer.concat(parts);
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      );
      const given = Buffer.from(String(request.headers['x-hub-signature-256'] ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        answer(401);
        return;
      }
      const payload = body.toString('utf8');
      try {
        JSON.parse(payload);
      } catch {
        answer(400);
        return;
      }
      waiting.push({ deliveryId: String(request.headers['x-github-delivery']), payload, answer });
      if (waiting.length === 1) setImmediate(commitWaiting);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, secret] = process.argv.slice(2);
  if (path === undefined || secret === undefined) {
    process.stderr.write('usage: node bench/durable-webhook-server.js DATABASE_FILE SECRET\n');
    process.exit(2);
  }
  process.stdout.write(`${await serveDurably(path, secret)}\n`);
}
