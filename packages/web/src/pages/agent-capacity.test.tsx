// @vitest-environment happy-dom
import { act } from 'react';
import type { AgentCapacity, CallerAccess, SlipwayClient } from '@slipway/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignedContext } from '../app/api-context.js';
import { render } from '../testing/render.js';
import { capacityNote } from './agent-capacity.js';
import { HomePage } from './home-page.js';

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
  vi.useRealTimers();
});

const VIEWER: CallerAccess = {
  user: 'vi',
  admin: false,
  groups: [],
  roles: [{ projectId: 'p1', role: 'viewer' }],
};

async function settle(ms = 20) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

function figures(container: HTMLElement): Record<string, string> {
  const found: Record<string, string> = {};
  for (const dd of container.querySelectorAll<HTMLElement>('.capacity dd')) {
    found[dd.dataset.figure ?? ''] = dd.firstChild?.textContent ?? '';
  }
  return found;
}

describe('agent capacity on the home page', () => {
  it('shows connected agents, slots, busy slots and queued tasks, and refreshes them', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const answers: AgentCapacity[] = [
      { agents: 2, slots: 5, busy: 5, queued: 3 },
      { agents: 3, slots: 8, busy: 4, queued: 0 },
    ];
    let calls = 0;
    const client = {
      listProjects: () => Promise.resolve([]),
      listRuns: () => Promise.resolve({ runs: [], nextBefore: null }),
      getCapacity: () => Promise.resolve(answers[Math.min(calls++, answers.length - 1)]),
    } as unknown as SlipwayClient;
    const view = render(
      <SignedContext.Provider value={{ client, access: VIEWER, signOut: () => undefined }}>
        <HomePage />
      </SignedContext.Provider>,
    );
    unmount = view.unmount;
    await settle();

    const panel = view.container.querySelector('section[aria-labelledby="capacity-title"]');
    expect(panel?.querySelector('h2')?.textContent).toBe('Agent capacity');
    expect(figures(view.container)).toEqual({ agents: '2', slots: '5', busy: '5', queued: '3' });
    expect(panel?.textContent).toContain('0 free');
    expect(panel?.textContent).toContain('Every slot is busy');
    const meter = panel?.querySelector('meter');
    expect(meter?.getAttribute('aria-label')).toBe('5 of 5 slots busy');

    await settle(3000);
    expect(calls).toBe(2);
    expect(figures(view.container)).toEqual({ agents: '3', slots: '8', busy: '4', queued: '0' });
    expect(panel?.textContent).toContain('4 free');
    expect(panel?.querySelector('.hint')).toBeNull();
  });

  it('shows why the server refused, and no figures, until it answers again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let down = true;
    const client = {
      listProjects: () => Promise.resolve([]),
      listRuns: () => Promise.resolve({ runs: [], nextBefore: null }),
      getCapacity: () =>
        down
          ? Promise.reject(new Error('the server is unreachable'))
          : Promise.resolve({ agents: 1, slots: 2, busy: 0, queued: 0 }),
    } as unknown as SlipwayClient;
    const view = render(
      <SignedContext.Provider value={{ client, access: VIEWER, signOut: () => undefined }}>
        <HomePage />
      </SignedContext.Provider>,
    );
    unmount = view.unmount;
    await settle();
    const panel = view.container.querySelector('section[aria-labelledby="capacity-title"]');
    expect(panel?.textContent).toContain('the server is unreachable');
    expect(panel?.querySelector('.capacity')).toBeNull();

    down = false;
    await settle(3000);
    expect(panel?.querySelector('[role="alert"]')).toBeNull();
    expect(figures(view.container)).toEqual({ agents: '1', slots: '2', busy: '0', queued: '0' });
  });

  it('says why queued tasks wait', () => {
    expect(capacityNote({ agents: 0, slots: 0, busy: 0, queued: 2 })).toMatch(/No agent/);
    expect(capacityNote({ agents: 1, slots: 2, busy: 2, queued: 2 })).toMatch(/Every slot/);
    expect(capacityNote({ agents: 1, slots: 2, busy: 1, queued: 2 })).toMatch(/labels/);
    expect(capacityNote({ agents: 1, slots: 2, busy: 1, queued: 0 })).toBeNull();
  });
});
