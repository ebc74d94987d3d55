// @vitest-environment happy-dom
import { act } from 'react';
import { ApiError, type CreateRunRequest, type PipelineList, type Project } from '@slipway/api';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../testing/render.js';
import { RunFormView } from './run-form.js';

const PROJECT: Project = {
  id: 'p1',
  name: 'shop',
  source: '/src/shop',
  defaultBranch: 'main',
  createdAt: 1,
};

const DEPLOY: PipelineList['pipelines'][number] = {
  name: 'deploy',
  params: [
    {
      name: 'target',
      type: 'enum',
      values: ['staging', 'production'],
      default: 'staging',
      description: 'Where to deploy',
    },
    { name: 'replicas', type: 'number', default: 2, description: null },
    { name: 'dry_run', type: 'boolean', default: true, description: 'Only print the changes' },
    { name: 'version', type: 'string', default: null, description: 'The image tag' },
  ],
};

function listOf(...pipelines: PipelineList['pipelines']): PipelineList {
  return { branch: 'main', commit: 'a'.repeat(40), readAt: 1, pipelines, problem: null };
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
});

function show(
  list: PipelineList | undefined,
  start: (request: CreateRunRequest) => Promise<void> = () => Promise.resolve(),
  listError?: unknown,
) {
  const view = render(
    <RunFormView
      project={PROJECT}
      list={list}
      listError={listError}
      knownPipelines={['ci']}
      start={start}
    />,
  );
  unmount = view.unmount;
  const { container } = view;
  const field = <T extends HTMLElement>(label: string, kind: abstract new () => T): T => {
    const found = [...container.querySelectorAll('label')].find((l) =>
      l.textContent.startsWith(label),
    );
    const id = found?.htmlFor;
    const control =
      id !== undefined && id !== ''
        ? container.querySelector(`#${id}`)
        : found?.querySelector('input, select, textarea');
    if (!(control instanceof kind)) throw new Error(`no ${kind.name} labelled ${label}`);
    return control;
  };
  const type = (label: string, text: string) => {
    const input = field(label, HTMLInputElement);
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  };
  const choose = (label: string, value: string) => {
    const select = field(label, HTMLSelectElement);
    act(() => {
      select.value = value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
  };
  const submit = async () => {
    await act(async () => {
      container.querySelector('form')?.requestSubmit();
      await Promise.resolve();
    });
  };
  const errorOf = (label: string) => {
    const control = field(label, HTMLElement);
    const ids = (control.getAttribute('aria-describedby') ?? '').split(' ');
    return ids
      .map((id) => container.querySelector(`#${id}`))
      .find((e) => e?.className === 'field-error')?.textContent;
  };
  return { container, field, type, choose, submit, errorOf };
}

describe('the run form', () => {
  it('shows one field per param, filled with the defaults, with help text tied to it', () => {
    const view = show(listOf(DEPLOY));
    expect(view.field('target', HTMLSelectElement).value).toBe('staging');
    expect(view.field('replicas', HTMLInputElement)).toMatchObject({ type: 'number', value: '2' });
    expect(view.field('dry_run', HTMLInputElement)).toMatchObject({
      type: 'checkbox',
      checked: true,
    });
    const version = view.field('version', HTMLInputElement);
    expect(version).toMatchObject({ type: 'text', value: '' });
    expect(version.getAttribute('aria-required')).toBe('true');
    const help = version.getAttribute('aria-describedby');
    expect(view.container.querySelector(`#${help ?? ''}`)?.textContent).toBe('The image tag');
    expect(view.container.textContent).toContain('Pipeline deploy');
    expect(view.container.querySelector('select[name="pipeline"]')).toBeNull();
  });

  it('sends typed values for the chosen pipeline', async () => {
    const sent: CreateRunRequest[] = [];
    const view = show(listOf(DEPLOY), (request) => {
      sent.push(request);
      return Promise.resolve();
    });
    view.type('version', '1.4.0');
    view.type('replicas', '3');
    view.choose('target', 'production');
    act(() => {
      view.field('dry_run', HTMLInputElement).click();
    });
    view.type('Branch, tag or commit', 'release');
    await view.submit();
    expect(sent).toEqual([
      {
        pipeline: 'deploy',
        ref: 'release',
        params: { target: 'production', replicas: 3, dry_run: false, version: '1.4.0' },
      },
    ]);
  });

  it('says what is wrong with each field and sends nothing until it is fixed', async () => {
    const sent: CreateRunRequest[] = [];
    const view = show(listOf(DEPLOY), (request) => {
      sent.push(request);
      return Promise.resolve();
    });
    // A number field holds no text that is not a number: the browser empties it.
    view.type('replicas', 'many');
    await view.submit();
    expect(sent).toEqual([]);
    expect(view.errorOf('replicas')).toBe('Enter a number (the default is 2).');
    expect(view.errorOf('version')).toBe('Enter a value: this parameter has no default.');
    expect(view.field('version', HTMLElement).getAttribute('aria-invalid')).toBe('true');
    expect(view.container.querySelector('[role="alert"]')?.textContent).toBe(
      '2 parameters need a fix.',
    );
    expect(document.activeElement).toBe(view.field('replicas', HTMLElement));
    view.type('replicas', '4');
    view.type('version', 'v2');
    await view.submit();
    expect(sent).toEqual([
      {
        pipeline: 'deploy',
        params: { target: 'staging', replicas: 4, dry_run: true, version: 'v2' },
      },
    ]);
    expect(view.container.querySelector('[role="alert"]')).toBeNull();
  });

  it('offers the pipelines as a select and shows the params of the chosen one', async () => {
    const sent: CreateRunRequest[] = [];
    const ci = {
      name: 'ci',
      params: [
        {
          name: 'suite',
          type: 'enum' as const,
          values: ['unit', 'all'],
          default: null,
          description: null,
        },
      ],
    };
    const view = show(listOf(ci, DEPLOY), (request) => {
      sent.push(request);
      return Promise.resolve();
    });
    expect(view.field('Pipeline', HTMLSelectElement).value).toBe('ci');
    expect(view.field('suite', HTMLSelectElement).value).toBe('');
    await view.submit();
    expect(view.errorOf('suite')).toBe('Choose one of unit, all.');
    view.choose('Pipeline', 'deploy');
    expect(view.container.querySelector('#param-suite')).toBeNull();
    expect(view.field('target', HTMLSelectElement).value).toBe('staging');
    view.choose('Pipeline', 'ci');
    view.choose('suite', 'all');
    await view.submit();
    expect(sent).toEqual([{ pipeline: 'ci', params: { suite: 'all' } }]);
  });

  it("shows the server's refusal", async () => {
    const view = show(listOf(DEPLOY), () =>
      Promise.reject(
        new ApiError(400, {
          error: { code: 'invalid_pipeline', message: 'parameter "version" must match a tag' },
        }),
      ),
    );
    view.type('version', 'x');
    await view.submit();
    expect(view.container.querySelector('[role="alert"]')?.textContent).toContain(
      'parameter "version" must match a tag',
    );
  });

  it('explains why the params cannot be listed and takes name=value lines instead', async () => {
    const sent: CreateRunRequest[] = [];
    const view = show(
      { ...listOf(), commit: null, problem: 'cannot fetch main: repository not found' },
      (request) => {
        sent.push(request);
        return Promise.resolve();
      },
    );
    expect(view.container.textContent).toContain(
      'The pipelines cannot be listed with their parameters: cannot fetch main: repository not found.',
    );
    view.type('Pipeline', 'ci');
    const area = view.field('Parameters', HTMLTextAreaElement);
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(
        area,
        'version=1.0\nfast=true',
      );
      area.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await view.submit();
    expect(sent).toEqual([{ pipeline: 'ci', params: { version: '1.0', fast: 'true' } }]);
  });

  it('falls back as well when the listing itself fails', () => {
    const view = show(undefined, undefined, new Error('network down'));
    expect(view.container.textContent).toContain(
      'The pipelines cannot be listed with their parameters: network down.',
    );
    expect(view.container.querySelector('textarea[name="params"]')).not.toBeNull();
  });
});
