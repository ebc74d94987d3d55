// @vitest-environment happy-dom
import { act, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../testing/render.js';
import { TextField } from './text-field.js';

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
});

/** A field that checks its own value: it must hold an `=`. */
function Checked() {
  const [value, setValue] = useState('');
  return (
    <TextField
      label="Forge users"
      hint="(login=user)"
      rows={2}
      value={value}
      onChange={setValue}
      error={value.includes('=') ? null : 'write login=user'}
      errorId="users-problem"
    />
  );
}

function typeInto(field: HTMLTextAreaElement | HTMLInputElement, value: string) {
  act(() => {
    const proto = Object.getPrototypeOf(field) as object;
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(field, value);
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('TextField', () => {
  it('is named by its label and hint, and hides a secret', () => {
    const view = render(
      <TextField
        label="API token"
        hint="(never shown again)"
        secret
        required
        value=""
        onChange={() => undefined}
      />,
    );
    unmount = view.unmount;
    const label = view.container.querySelector('label');
    expect(label?.textContent).toBe('API token (never shown again)');
    const input = label?.querySelector('input');
    expect(input?.type).toBe('password');
    expect(input?.autocomplete).toBe('off');
    expect(input?.required).toBe(true);
    expect(input?.hasAttribute('aria-invalid')).toBe(false);
  });

  it('shows its problem, tied to the field, and takes what is typed', () => {
    const view = render(<Checked />);
    unmount = view.unmount;
    const area = view.container.querySelector('label textarea');
    if (!(area instanceof HTMLTextAreaElement)) throw new Error('no text area');
    expect(area.getAttribute('aria-invalid')).toBe('true');
    expect(area.getAttribute('aria-describedby')).toBe('users-problem');
    expect(view.container.querySelector('#users-problem')?.textContent).toBe('write login=user');
    typeInto(area, 'octocat=ada');
    expect(area.value).toBe('octocat=ada');
    expect(area.getAttribute('aria-invalid')).toBe('false');
    expect(area.hasAttribute('aria-describedby')).toBe(false);
    expect(view.container.querySelector('#users-problem')).toBeNull();
  });
});
