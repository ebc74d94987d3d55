import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from '../e2e/helpers.js';

/** The Chromium the browser tests drive (the distribution's package). */
export const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshots of a browser test run go (not committed). */
export const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');

/**
 * Why the browser tests cannot run here, or null when they can. With
 * `SLIPWAY_TEST_BROWSER=1` (CI) a missing browser or UI fails instead of skipping.
 */
export function browserSkipReason(): string | null {
  let reason: string | null = null;
  if (!existsSync(CHROMIUM)) reason = `${CHROMIUM} is missing (apt-get install chromium)`;
  else if (!existsSync(join(REPO_ROOT, 'packages/web/dist/index.html'))) {
    reason = 'the web UI is not built (npm run build)';
  }
  if (reason !== null && process.env.SLIPWAY_TEST_BROWSER === '1') {
    throw new Error(`SLIPWAY_TEST_BROWSER=1 but ${reason}`);
  }
  return reason;
}

/** A headless Chromium with a fresh profile; `close` ends it and removes the profile. */
export async function launchBrowser(): Promise<{
  context: BrowserContext;
  close: () => Promise<void>;
}> {
  const profile = await mkdtemp(join(tmpdir(), 'slipway-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    // The UI's content security policy refuses injected scripts, axe-core's included.
    bypassCSP: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** Runs axe-core on the page; fails on serious or critical violations, naming them. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document).then((result) =>
    result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })) })))`);
  const severe = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact ?? ''} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
  expect(severe, `accessibility of ${what}`).toEqual([]);
}
