import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { gitInit, REPO_ROOT, useTempRepos } from '../e2e/helpers.js';
import { adminTokenOf, apiClient, startUp, useCleanup } from '../reliability/helpers.js';
import { browserSkipReason, expectAccessible, launchBrowser, SCREENSHOTS } from './browser.js';

/** The main pipeline; its build waits halfway until the file `release` exists. */
const ci = (release: string) => `tasks:
  build:
    artifacts: [out/**]
    steps:
      - name: compile
        run: |
          printf '\\033[32mcompiled\\033[0m without warnings\\n'
          echo '<script>window.pwned = true</script><img src=x onerror="window.pwned = true">'
          for i in $(seq 1 20); do echo "build line $i"; done
          for _ in $(seq 1 600); do [ -f '${release}' ] && break; sleep 0.1; done
          for i in $(seq 21 40); do echo "build line $i"; done
          mkdir -p out && echo hello > out/app.txt
  test:
    needs: build
    reports: reports/*.xml
    steps:
      - name: unit tests
        run: |
          mkdir -p reports
          printf '%s\\n' \\
            '<testsuites><testsuite name="cart" tests="2" failures="1" time="0.5">' \\
            '<testcase classname="cart" name="adds items" time="0.1"/>' \\
            '<testcase classname="cart" name="totals the cart" time="0.4">' \\
            '<failure message="expected 3 but got 4">AssertionError: expected 3 but got 4' \\
            '    at cart.test.js:12</failure></testcase></testsuite></testsuites>' \\
            > reports/junit.xml
          echo "1 of 2 tests failed"
          exit 1
`;

const SLOW = `tasks:
  wait:
    steps:
      - name: wait for a long time
        run: |
          echo "waiting"
          sleep 120
`;

/** Builds, waits for a person to approve, then deploys; its params fill the run form. */
const DEPLOY = `params:
  target:
    type: enum
    values: [staging, production]
    default: staging
  replicas:
    type: number
    description: How many instances to start
tasks:
  build:
    steps:
      - echo built
  approve:
    needs: build
    approval:
      message: Ship the cart to production?
  deploy:
    needs: approve
    steps:
      - echo deployed
`;

const cleanup = useCleanup();
const repos = useTempRepos();
const skip = browserSkipReason();
if (skip !== null) console.warn(`skipping the browser tests: ${skip}`);

async function shot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The project page's form that starts a run. */
function runForm(page: Page) {
  return page.getByRole('form', { name: 'Run pipeline' });
}

/** The home page's agent capacity figures, by name, once shown. */
async function capacityFigures(page: Page): Promise<Record<string, string>> {
  await page.locator('.capacity dd').first().waitFor();
  return page.evaluate<Record<string, string>>(
    `Object.fromEntries([...document.querySelectorAll('.capacity dd')].map((dd) => [dd.dataset.figure, dd.firstChild.textContent]))`,
  );
}

/** The status badge next to the run's title. */
function runStatus(page: Page) {
  return page.locator('h1 .badge');
}

describe.skipIf(skip !== null)('the web UI in Chromium', () => {
  it('signs in, runs a pipeline, follows its log, reads a failed test, retries and cancels', async () => {
    const release = join(await cleanup.tempDir(), 'release');
    const repo = await repos.withFiles({
      '.slipway/ci.yml': ci(release),
      '.slipway/slow.yml': SLOW,
      '.slipway/deploy.yml': DEPLOY,
    });
    await gitInit(repo);
    const dataDir = join(await cleanup.tempDir(), 'data');
    await mkdir(dataDir);
    const up = await startUp(cleanup, { dataDir, agentCapacity: 2 });
    const token = await adminTokenOf(up);
    const admin = apiClient({ url: up.url, token });
    await admin.createProject({ name: 'shop', source: repo });

    const browser = await launchBrowser();
    cleanup.onCleanup(browser.close);
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    // Sign in.
    await page.goto(`${up.url}/`);
    await expectAccessible(page, 'the sign-in page');
    await page.getByLabel('Token').fill('slw_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('the token is not valid').waitFor();
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'shop' }).waitFor();
    // Agent capacity: the embedded agent, its two slots, nothing busy or queued yet.
    await page.getByRole('heading', { name: 'Agent capacity' }).waitFor();
    expect(await capacityFigures(page)).toEqual({
      agents: '1',
      slots: '2',
      busy: '0',
      queued: '0',
    });
    await expectAccessible(page, 'the home page');

    // Trigger a run from the project page.
    await page.getByRole('link', { name: 'shop' }).click();
    await page.getByRole('heading', { name: 'Run pipeline' }).waitFor();
    await expectAccessible(page, 'the project page');
    await runForm(page).getByLabel('Pipeline', { exact: true }).selectOption('ci');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    const firstRun = page.url();

    // Follow the build task's log while it is written.
    await page.getByRole('link', { name: 'build' }).click();
    await page.waitForURL(/\/tasks\/build\/logs$/);
    await page.getByText('build line 20', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('status').textContent()).toBe('live');
    expect(await page.getByText('build line 21', { exact: true }).count()).toBe(0);
    await writeFile(release, '');
    await page.getByText('build line 40').waitFor({ timeout: 60_000 });
    await page.getByRole('status').getByText('finished').waitFor({ timeout: 60_000 });
    const colourOf = (text: string) =>
      page.evaluate<string>(
        `getComputedStyle([...document.querySelectorAll('.log-text span')]
          .find((s) => s.textContent === ${JSON.stringify(text)})).color`,
      );
    expect(await colourOf('compiled')).not.toBe(await colourOf(' without warnings'));
    await page.getByText('<script>window.pwned = true</script>', { exact: false }).waitFor();
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await page.locator('.log-lines script, .log-lines img').count()).toBe(0);
    await page.getByRole('link', { name: 'Line 3', exact: true }).click();
    expect(new URL(page.url()).hash).toBe('#L3');
    await page.getByRole('searchbox', { name: 'Search' }).fill('build line 1');
    await page.getByText('11 matching lines').waitFor();
    await page.getByLabel('Timestamps').check();
    await shot(page, 'logs');
    await expectAccessible(page, 'the logs page');

    // A permalink opens the page at its line.
    await page.goto(`${page.url().split('#')[0] ?? ''}#L20`);
    await page.locator('#L20.selected').waitFor();

    // The run page: failed, with its artifact and test results.
    await page.goto(firstRun);
    await runStatus(page).getByText('failed').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'out/app.txt' }).waitFor();
    await page.getByText('Test results').waitFor();
    const runShot = await shot(page, 'run');
    await mkdir(join(REPO_ROOT, 'docs/images'), { recursive: true });
    await copyFile(runShot, join(REPO_ROOT, 'docs/images/run-page.png'));
    await expectAccessible(page, 'the run page');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'out/app.txt' }).click();
    expect((await download).suggestedFilename()).toBe('app.txt');

    await page.getByRole('link', { name: 'Test results' }).click();
    await page.getByRole('heading', { name: 'Test results' }).waitFor();
    const first = page.locator('.cases > li').first();
    expect(await first.getAttribute('data-status')).toBe('failed');
    await first.getByText('totals the cart').waitFor();
    await first.getByText('expected 3 but got 4', { exact: true }).waitFor();
    await first.locator('.case-details').getByText('at cart.test.js:12').waitFor();
    await shot(page, 'tests');
    await expectAccessible(page, 'the test results page');

    // Retry the failed task: a new run keeps the build and runs the test again.
    await page.goto(firstRun);
    await page.getByRole('button', { name: 'Retry failed tasks' }).click();
    await page.waitForURL((url) => url.href !== firstRun && /\/runs\/[^/]+$/.test(url.pathname));
    await page.getByText('retry of').waitFor();
    await page.getByText('kept from the earlier run').waitFor();
    await runStatus(page).getByText('failed').waitFor({ timeout: 60_000 });

    // Its test results are compared with those of the run before it on the branch.
    await page.getByRole('link', { name: 'Test results' }).click();
    await page.getByRole('heading', { name: 'Compared with the previous run' }).waitFor();
    await page.locator('.compare-still').getByText('totals the cart').waitFor();
    expect(await page.locator('.compare-new li').count()).toBe(0);
    await shot(page, 'tests-compared');
    await expectAccessible(page, 'the test results page with a comparison');

    // Approve a task that waits for a person; the next task then runs.
    await page.goto(`${up.url}/projects/shop`);
    await runForm(page).getByLabel('Pipeline', { exact: true }).selectOption('deploy');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByText('Enter a number: this parameter has no default.').waitFor();
    await page.getByLabel('replicas').fill('3');
    await page.getByLabel('target').selectOption('production');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await runStatus(page).getByText('waiting').waitFor({ timeout: 60_000 });
    await page.getByText('Ship the cart to production?').waitFor();
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('alert').getByText('Say why in the comment').waitFor();
    await shot(page, 'approval');
    await expectAccessible(page, 'the run page awaiting an approval');
    await page.getByLabel('Comment (required to reject)').fill('ship it');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page
      .locator('.decision')
      .getByText(/Approved by .+: ship it/)
      .waitFor();
    await runStatus(page).getByText('succeeded').waitFor({ timeout: 60_000 });
    await page.locator('.task-succeeded').getByRole('link', { name: 'deploy' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // The admin page lists the embedded agent.
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.locator('table.agents tbody tr').first().waitFor();
    await shot(page, 'admin');
    await expectAccessible(page, 'the admin page');

    // Cancel a run that is still going.
    await page.goto(`${up.url}/projects/shop`);
    await runForm(page).getByLabel('Pipeline', { exact: true }).selectOption('slow');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.locator('.task-running').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await runStatus(page).getByText('cancelled').waitFor({ timeout: 60_000 });

    // The home page lists the runs; it fits a phone's width.
    await page.getByRole('link', { name: 'Slipway' }).click();
    await page.getByRole('heading', { name: 'Running and queued now' }).waitFor();
    await shot(page, 'home');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(firstRun);
    await runStatus(page).waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await shot(page, 'run-narrow');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'run-narrow-dark');
    await expectAccessible(page, 'the run page, narrow and dark');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Sign out.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Slipway' }).waitFor();

    // A viewer sees the runs but no actions.
    const viewer = await admin.createToken({ name: 'ui', user: 'vic' });
    await admin.setRole('shop', 'vic', 'viewer');
    const tab = await browser.context.newPage();
    tab.on('pageerror', (error) => problems.push(error.message));
    await tab.goto(firstRun);
    await tab.getByLabel('Token').fill(viewer.token);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await runStatus(tab).getByText('failed').waitFor();
    await tab.getByText('Viewers may not cancel, rerun or retry runs.').waitFor();
    expect(await tab.getByRole('button', { name: 'Rerun' }).count()).toBe(0);
    expect(await tab.getByRole('button', { name: 'Retry failed tasks' }).count()).toBe(0);
    await tab.getByRole('link', { name: 'shop' }).first().click();
    await tab.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(await tab.getByRole('button', { name: 'Run', exact: true }).count()).toBe(0);
    expect(await tab.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await tab.goto(`${up.url}/admin`);
    await tab.getByText('Only admins, and admins of a project, may see this page.').waitFor();
    // Viewers see agent capacity on the home page too.
    await tab.getByRole('link', { name: 'Slipway' }).click();
    await tab.getByRole('heading', { name: 'Agent capacity' }).waitFor();
    expect((await capacityFigures(tab)).agents).toBe('1');

    // A project's admin changes its settings on the admin page, and sees nothing else there.
    const owner = await admin.createToken({ name: 'ui', user: 'pat' });
    await admin.setRole('shop', 'pat', 'admin');
    const settings = await browser.context.newPage();
    settings.on('pageerror', (error) => problems.push(error.message));
    await settings.goto(`${up.url}/admin`);
    await settings.getByLabel('Token').fill(owner.token);
    await settings.getByRole('button', { name: 'Sign in' }).click();
    await settings.getByRole('heading', { name: 'Project settings' }).waitFor();
    expect(await settings.getByRole('heading', { name: 'Tokens' }).count()).toBe(0);
    const roleForm = settings.getByRole('form', { name: 'Give a role' });
    await roleForm.getByLabel('User').fill('dana');
    await roleForm.getByLabel('Role').selectOption('developer');
    await roleForm.getByRole('button', { name: 'Give role' }).click();
    await settings.getByRole('status').getByText('dana is now developer.').waitFor();
    await settings.getByRole('cell', { name: 'dana', exact: true }).waitFor();
    const webhookForm = settings.getByRole('form', { name: 'Webhook' });
    await webhookForm.getByLabel('Forge').selectOption('github');
    await webhookForm.getByLabel('Secret').fill('a-webhook-secret-of-some-length');
    await webhookForm.getByRole('button', { name: 'Set webhook' }).click();
    await settings.getByText('/api/projects/shop/hooks/github').waitFor();
    const forgeForm = settings.getByRole('form', { name: 'Forge' });
    await forgeForm.getByLabel('Repository').fill('acme/shop');
    await forgeForm.getByLabel('API token').fill('ghp_not-a-real-token');
    await forgeForm.getByRole('button', { name: 'Save forge settings' }).click();
    await settings.getByText(/Runs report to acme\/shop on github/).waitFor();
    const mergeForm = settings.getByRole('form', { name: 'Auto-merge' });
    await mergeForm.getByLabel('Merge ready pull requests by themselves').check();
    await mergeForm.getByLabel('Method').selectOption('squash');
    await mergeForm.getByRole('button', { name: 'Save auto-merge' }).click();
    await settings.getByText('On: ready pull requests merge by themselves (squash).').waitFor();
    expect((await admin.getProjectForge('shop')).autoMerge).toBe('squash');
    expect((await admin.listRoles('shop')).map((r) => [r.user, r.role])).toContainEqual([
      'dana',
      'developer',
    ]);
    await shot(settings, 'project-settings');
    await expectAccessible(settings, 'the project settings');

    expect(problems).toEqual([]);
  }, 240_000);
});
