import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createApp } from './app.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const port = Number(process.env.PORT ?? 3000);

const server = createServer(createApp({ version: manifest.version }));
server.listen(port, () => {
  console.log(`notes service ${manifest.version} listening on http://localhost:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
  });
}
