// @vitest-environment happy-dom
import { act } from 'react';
import {
  ApiError,
  type CallerAccess,
  type ForgeSettings,
  type Project,
  type ProjectSlack,
  type RoleBinding,
  type SlipwayClient,
} from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { SignedContext } from '../app/api-context.js';
import { render } from '../testing/render.js';
import { AdminPage, mayAdminister } from './admin-page.js';
import { parseUserLines } from './project-settings.js';

const PROJECTS: Project[] = [
  { id: 'p1', name: 'shop', source: '/repos/shop', defaultBranch: 'main', createdAt: 1 },
  { id: 'p2', name: 'blog', source: '/repos/blog', defaultBranch: 'trunk', createdAt: 2 },
];

function notFound(message: string): Promise<never> {
  return Promise.reject(new ApiError(404, { error: { code: 'not_found', message } }));
}

/** A client over settings kept in memory, recording each change. */
function fakeClient() {
  const calls: string[] = [];
  let projects = [...PROJECTS];
  let forge: ForgeSettings = {
    forge: 'github',
    apiUrl: 'https://api.github.com',
    repository: 'acme/shop',
    users: { octocat: 'ada' },
    autoMerge: null,
    updatedAt: 10,
  };
  let roles: RoleBinding[] = [{ projectId: 'p1', user: 'ada', role: 'admin', updatedAt: 5 }];
  let slack: ProjectSlack | null = null;
  const client = {
    listProjects: () => Promise.resolve(projects),
    listSecrets: (project: string) => {
      calls.push(`secrets ${project}`);
      return Promise.resolve([]);
    },
    putProjectDefaultBranch: (project: string, branch: string) => {
      calls.push(`default-branch ${project} ${branch}`);
      projects = projects.map((p) => (p.name === project ? { ...p, defaultBranch: branch } : p));
      return Promise.resolve(projects[0]);
    },
    getProjectWebhook: () =>
      Promise.resolve({ forge: 'github', path: '/api/projects/shop/hooks/github', updatedAt: 9 }),
    getProjectForge: () => Promise.resolve(forge),
    getProjectPoll: () => notFound('project "shop" is not polled'),
    getProjectSlack: () =>
      slack === null ? notFound('project "shop" has no Slack channel') : Promise.resolve(slack),
    putProjectSlack: (project: string, body: { webhookUrl: string; channel?: string }) => {
      calls.push(`slack ${project} ${body.webhookUrl} ${body.channel ?? '-'}`);
      slack = { channel: body.channel ?? null, updatedAt: 13 };
      return Promise.resolve(slack);
    },
    deleteProjectSlack: (project: string) => {
      calls.push(`slack removed ${project}`);
      slack = null;
      return Promise.resolve();
    },
    listRoles: () => Promise.resolve(roles),
    putProjectAutoMerge: (project: string, body: { enabled: boolean; method?: string }) => {
      calls.push(`auto-merge ${project} ${String(body.enabled)} ${body.method ?? ''}`);
      forge = { ...forge, autoMerge: body.enabled ? 'squash' : null, updatedAt: 11 };
      return Promise.resolve({ enabled: body.enabled, method: forge.autoMerge });
    },
    setRole: (project: string, user: string, role: RoleBinding['role']) => {
      calls.push(`role ${project} ${user} ${role}`);
      roles = [...roles, { projectId: 'p1', user, role, updatedAt: 12 }];
      return Promise.resolve(roles.at(-1));
    },
    putProjectPoll: (project: string, body: { intervalSeconds: number }) => {
      calls.push(`poll ${project} ${String(body.intervalSeconds)}`);
      return Promise.reject(
        new ApiError(403, {
          error: { code: 'forbidden', message: 'your role in this project is too low' },
        }),
      );
    },
  } as unknown as SlipwayClient;
  return { client, calls };
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
});

async function settle() {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
}

async function show(access: CallerAccess, client: SlipwayClient) {
  const view = render(
    <SignedContext.Provider value={{ client, access, signOut: () => undefined }}>
      <AdminPage />
    </SignedContext.Provider>,
  );
  unmount = view.unmount;
  await settle();
  return view;
}

function input(container: HTMLElement, selector: string): HTMLInputElement {
  const found = container.querySelector<HTMLInputElement>(selector);
  if (found === null) throw new Error(`no ${selector}`);
  return found;
}

/** Sets a form field's value the way typing does, so React sees it. */
function type(field: HTMLInputElement | HTMLSelectElement, value: string) {
  act(() => {
    const proto = Object.getPrototypeOf(field) as object;
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, value);
    field.dispatchEvent(new Event('input', { bubbles: true }));
    field.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function submit(form: Element | null) {
  if (!(form instanceof HTMLFormElement)) throw new Error('no form');
  act(() => {
    form.requestSubmit();
  });
  await settle();
}

describe('project settings on the admin page', () => {
  it("shows a project admin only the projects they administer, and saves each setting's change", async () => {
    const { client, calls } = fakeClient();
    const access: CallerAccess = {
      user: 'ada',
      admin: false,
      groups: [],
      roles: [
        { projectId: 'p1', role: 'admin' },
        { projectId: 'p2', role: 'developer' },
      ],
    };
    const view = await show(access, client);
    const page = view.container;
    expect(page.querySelector('h2#settings-title')?.textContent).toBe('Project settings');
    // Tokens and agents are for admins; secrets only of the projects they administer.
    expect(page.querySelector('#tokens-title')).toBeNull();
    expect(page.querySelector('#agents-title')).toBeNull();
    const secretProjects = [...page.querySelectorAll('#secrets-title ~ label option')];
    expect(secretProjects.map((o) => o.textContent)).toEqual(['shop']);
    expect(calls.splice(0)).toEqual(['secrets shop']);
    const options = [...page.querySelectorAll('#settings-title ~ label option')].map(
      (o) => o.textContent,
    );
    expect(options).toEqual(['shop']);
    expect(page.textContent).toContain('main');
    expect(page.querySelector('#setting-webhook')?.parentElement?.textContent).toContain(
      '/api/projects/shop/hooks/github',
    );
    const forge = page.querySelector('form[aria-label="Forge"]');
    expect(input(forge as HTMLElement, 'input[placeholder="owner/name"]').value).toBe('acme/shop');
    expect(forge?.querySelector('textarea')?.value).toBe('octocat=ada');
    expect(page.textContent).toContain('Not polled');
    expect(page.textContent).toContain('Off: pull requests are merged by people.');

    const merge = page.querySelector('form[aria-label="Auto-merge"]');
    act(() => {
      merge?.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click();
    });
    const method = merge?.querySelector('select');
    if (!method) throw new Error('no method');
    type(method, 'squash');
    await submit(merge);
    expect(calls).toEqual(['auto-merge shop true squash']);
    expect(page.querySelector('[role="status"]')?.textContent).toBe('Auto-merge saved.');
    expect(page.textContent).toContain('On: ready pull requests merge by themselves (squash).');

    const roles = page.querySelector('form[aria-label="Give a role"]');
    type(input(roles as HTMLElement, 'input'), 'bo');
    const role = roles?.querySelector('select');
    if (!role) throw new Error('no role');
    type(role, 'developer');
    await submit(roles);
    expect(calls.at(-1)).toBe('role shop bo developer');
    const users = [...page.querySelectorAll('.setting tbody tr')].map(
      (tr) => tr.querySelector('td')?.textContent,
    );
    expect(users).toContain('bo');

    const defaultBranch = page.querySelector('form[aria-label="Default branch"]');
    const branchField = input(defaultBranch as HTMLElement, 'input');
    expect(branchField.value).toBe('main');
    type(branchField, 'trunk');
    await submit(defaultBranch);
    expect(calls.at(-1)).toBe('default-branch shop trunk');
    expect(page.querySelector('[role="status"]')?.textContent).toBe('Default branch is now trunk.');
    expect(page.querySelector('#setting-repository ~ dl dd:nth-of-type(2)')?.textContent).toBe(
      'trunk',
    );

    expect(page.textContent).toContain('None: approval requests are not posted to Slack.');
    const slack = page.querySelector('form[aria-label="Slack channel"]');
    const [url, channel] = [...(slack?.querySelectorAll('input') ?? [])];
    if (!url || !channel) throw new Error('no Slack fields');
    expect(url.type).toBe('password');
    type(url, 'https://hooks.slack.com/services/T0/B0/x');
    type(channel, ' #deploys ');
    await submit(slack);
    expect(calls.at(-1)).toBe('slack shop https://hooks.slack.com/services/T0/B0/x #deploys');
    expect(page.querySelector('[role="status"]')?.textContent).toBe('Slack channel saved.');
    expect(page.querySelector('#setting-slack')?.parentElement?.textContent).toContain(
      'Approval requests are posted to #deploys',
    );
    expect(url.value).toBe('');
    act(() => {
      page.querySelector<HTMLButtonElement>('#setting-slack ~ form .danger')?.click();
    });
    await settle();
    expect(calls.at(-1)).toBe('slack removed shop');
    expect(page.textContent).toContain('None: approval requests are not posted to Slack.');

    // The server's refusal is shown as it words it.
    const poll = page.querySelector('form[aria-label="Polling"]');
    await submit(poll);
    expect(calls.at(-1)).toBe('poll shop 300');
    expect(page.querySelector('[role="alert"]')?.textContent).toContain(
      'your role in this project is too low',
    );
  });

  it('is not shown to viewers and developers', async () => {
    const { client } = fakeClient();
    const access: CallerAccess = {
      user: 'vi',
      admin: false,
      groups: [],
      roles: [
        { projectId: 'p1', role: 'viewer' },
        { projectId: 'p2', role: 'developer' },
      ],
    };
    expect(mayAdminister(access)).toBe(false);
    const view = await show(access, client);
    expect(view.container.querySelector('#settings-title')).toBeNull();
    expect(view.container.textContent).toContain('Only admins');
  });

  it('reads forge users as login=user lines', () => {
    expect(parseUserLines('octocat = ada\n\n hubot=bo ')).toEqual({ octocat: 'ada', hubot: 'bo' });
    expect(() => parseUserLines('octocat')).toThrow(/forge-login=slipway-user/);
  });
});
