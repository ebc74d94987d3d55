import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/helpers.js';

/** Most the browser may download, gzipped, before the UI can show its first page. */
const INITIAL_LIMIT_BYTES = 300 * 1024;

const DIST = join(REPO_ROOT, 'packages/web/dist');
const built = existsSync(join(DIST, 'index.html'));
if (!built) console.warn('skipping the bundle size check: the web UI is not built (npm run build)');

describe.skipIf(!built)('the web UI bundle', () => {
  it(`loads at most ${INITIAL_LIMIT_BYTES / 1024} kB (gzip) of scripts and styles up front`, async () => {
    const html = await readFile(join(DIST, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
      (m) => m[1] ?? '',
    );
    expect(initial.some((file) => file.endsWith('.js'))).toBe(true);
    let total = 0;
    for (const file of initial) total += gzipSync(await readFile(join(DIST, file))).length;
    console.log(
      `initial web UI bundle: ${(total / 1024).toFixed(1)} kB gzip (${initial.join(', ')})`,
    );
    expect(total).toBeLessThanOrEqual(INITIAL_LIMIT_BYTES);
  });

  it('loads nothing from other hosts', async () => {
    const html = await readFile(join(DIST, 'index.html'), 'utf8');
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });
});
