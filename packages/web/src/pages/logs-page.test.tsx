// @vitest-environment happy-dom
import { act } from 'react';
import type { LogChunk, PlanTask, RunDetail, SlipwayClient, Task } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { SignedContext } from '../app/api-context.js';
import { render } from '../testing/render.js';
import { LogsPage } from './logs-page.js';

/** A log stream the test writes to: chunks pushed are yielded in order. */
function channel() {
  const queue: LogChunk[] = [];
  let wake: (() => void) | null = null;
  let seq = 0;
  async function* stream(): AsyncGenerator<LogChunk, { reason: 'finished' }, undefined> {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
  const write = (step: number, text: string) => {
    queue.push({ attemptId: 'a1', step, seq: seq++, stream: 'stdout', text, at: 1000 + seq });
    wake?.();
  };
  return { stream, write };
}

function detailOf(task: Partial<Task>): RunDetail {
  const planTask = {
    id: 'test',
    name: 'test',
    steps: [
      {
        name: 'install',
        run: 'npm ci',
        shell: [],
        env: {},
        timeoutMs: null,
        continueOnError: false,
      },
      {
        name: 'unit',
        run: 'npm test',
        shell: [],
        env: {},
        timeoutMs: null,
        continueOnError: false,
      },
    ],
  } as unknown as PlanTask;
  return {
    run: { status: 'running' },
    plan: { tasks: [planTask] },
    tasks: [
      {
        taskId: 'test',
        name: 'test',
        status: 'running',
        reason: null,
        startedAt: 1000,
        finishedAt: null,
        ...task,
      },
    ],
    commitUrl: null,
  } as unknown as RunDetail;
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
  window.history.replaceState(null, '', '#');
});

async function settle(ms = 250) {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
}

function show(detail: RunDetail) {
  const logs = channel();
  const client = {
    getRun: () => Promise.resolve(detail),
    followTaskLogs: () => logs.stream(),
  } as unknown as SlipwayClient;
  const access = { user: 'dev', admin: true, roles: [], groups: [] };
  const view = render(
    <SignedContext.Provider value={{ client, access, signOut: () => undefined }}>
      <LogsPage runId="r1" taskId="test" />
    </SignedContext.Provider>,
  );
  unmount = view.unmount;
  const header = (name: string) =>
    [...view.container.querySelectorAll<HTMLButtonElement>('.log-step-toggle')].find((b) =>
      b.textContent.includes(name),
    );
  const texts = () =>
    [...view.container.querySelectorAll('.log-line .log-text')].map((e) => e.textContent);
  return { ...view, logs, header, texts };
}

describe('the logs page', () => {
  it('shows each step under a header, and keeps a step the reader collapsed shut while lines arrive', async () => {
    const view = show(detailOf({}));
    view.logs.write(0, 'added 3 packages\n');
    view.logs.write(1, 'cart ok\n');
    await settle();
    expect(view.header('install')?.getAttribute('aria-expanded')).toBe('true');
    expect(view.header('unit')?.closest('.log-step')?.textContent).toContain('running');
    expect(view.texts()).toEqual(['added 3 packages', 'cart ok']);

    act(() => {
      view.header('unit')?.click();
    });
    view.logs.write(1, 'totals ok\n');
    await settle();
    expect(view.header('unit')?.getAttribute('aria-expanded')).toBe('false');
    expect(view.texts()).toEqual(['added 3 packages']);
    expect(view.header('unit')?.closest('.log-step')?.textContent).toContain('2 lines');
  });

  it('starts with the succeeded steps collapsed when a step failed, and a search hit opens its step', async () => {
    const view = show(
      detailOf({ status: 'failed', reason: 'step "unit" exited with code 1', finishedAt: 9000 }),
    );
    view.logs.write(0, 'added 3 packages\nlockfile ok\n');
    view.logs.write(1, 'FAIL cart\n');
    await settle();
    expect(view.header('install')?.getAttribute('aria-expanded')).toBe('false');
    expect(view.header('unit')?.closest('.log-step')?.textContent).toContain('failed');
    expect(view.texts()).toEqual(['FAIL cart']);

    const input = view.container.querySelector<HTMLInputElement>('input[type="search"]');
    if (input === null) throw new Error('no search field');
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(
        input,
        'lockfile',
      );
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(view.container.textContent).toContain('1 matching lines');
    act(() => {
      view.container.querySelector<HTMLFormElement>('form[role="search"]')?.requestSubmit();
    });
    expect(view.header('install')?.getAttribute('aria-expanded')).toBe('true');
    expect(window.location.hash).toBe('#L2');
    expect(view.container.querySelector('#L2.selected')?.textContent).toContain('lockfile ok');
  });
});
