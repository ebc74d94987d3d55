// @vitest-environment happy-dom
import type { LogChunk } from '@slipway/api';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from '../testing/render.js';
import { LogLines } from './log-lines.js';
import { summarizeSteps } from './log-steps.js';
import { lineOfHash, LogView } from './log-view.js';

function linesOf(...texts: string[]) {
  const lines = new LogLines();
  texts.forEach((text, i) => {
    const chunk: LogChunk = { attemptId: 'a', step: 0, seq: i, stream: 'stdout', text, at: 0 };
    lines.add(chunk);
  });
  return lines.lines();
}

let unmount: () => void = () => undefined;
afterEach(() => {
  unmount();
  delete (window as { pwned?: boolean }).pwned;
});

describe('the log view', () => {
  it('draws ANSI colours as styled spans', () => {
    const view = render(<LogView lines={linesOf('ok \u001b[32mgreen\u001b[0m\n')} height={400} />);
    unmount = view.unmount;
    const green = [...view.container.querySelectorAll('.log-text span')].find(
      (s) => s.textContent === 'green',
    );
    expect((green as HTMLElement | undefined)?.style.color).toBe('var(--ansi-green)');
    expect(view.container.querySelector('.log-text')?.textContent).toBe('ok green');
  });

  it('shows HTML and script in the output as text, never as elements', () => {
    const hostile = [
      '<script>window.pwned = true</script>\n',
      '<img src=x onerror="window.pwned = true">\n',
      '\u001b[31m<b onclick="x()">bold?</b>\u001b[0m &amp; <a href="javascript:alert(1)">x</a>\n',
    ];
    const view = render(<LogView lines={linesOf(...hostile)} height={400} />);
    unmount = view.unmount;
    const texts = [...view.container.querySelectorAll('.log-text')].map((e) => e.textContent);
    expect(texts).toEqual([
      '<script>window.pwned = true</script>',
      '<img src=x onerror="window.pwned = true">',
      '<b onclick="x()">bold?</b> &amp; <a href="javascript:alert(1)">x</a>',
    ]);
    const area = view.container.querySelector('.log-lines');
    expect(area?.querySelectorAll('script, img, b, a:not(.log-number)')).toHaveLength(0);
    expect((window as { pwned?: boolean }).pwned).toBeUndefined();
  });

  it('numbers lines with permalinks and tells which one was followed', () => {
    const onSelect = vi.fn();
    const view = render(
      <LogView
        lines={linesOf('one\ntwo\nthree\n')}
        selected={2}
        onSelect={onSelect}
        height={400}
      />,
    );
    unmount = view.unmount;
    const links = [...view.container.querySelectorAll<HTMLAnchorElement>('a.log-number')];
    expect(links.map((a) => [a.getAttribute('href'), a.textContent])).toEqual([
      ['#L1', '1'],
      ['#L2', '2'],
      ['#L3', '3'],
    ]);
    expect(view.container.querySelector('.selected')?.id).toBe('L2');
    act(() => {
      links[2]?.click();
    });
    expect(onSelect).toHaveBeenCalledWith(3);
    expect(lineOfHash('#L123')).toBe(123);
    expect(lineOfHash('#section')).toBeNull();
  });

  it('puts only the lines around the view in the document, even for 100,000 lines', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const view = render(<LogView lines={linesOf(text)} height={400} selected={50_000} />);
    unmount = view.unmount;
    const rows = view.container.querySelectorAll('.log-line');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(200);
    expect(view.container.querySelector('#L50000')?.textContent).toContain('line 50000');
    expect(view.container.querySelector('#L1')).toBeNull();
  });

  it('marks the lines and text that match a search', () => {
    const view = render(
      <LogView lines={linesOf('alpha\nBeta gamma\nbeta\n')} query="beta" height={400} />,
    );
    unmount = view.unmount;
    expect([...view.container.querySelectorAll('.match')].map((e) => e.id)).toEqual(['L2', 'L3']);
    expect([...view.container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'Beta',
      'beta',
    ]);
  });

  describe('with steps', () => {
    /** `perStep` lines for each of `names`, written one second apart per step. */
    function stepped(names: string[], perStep: number) {
      const lines = new LogLines();
      names.forEach((name, step) => {
        const text = Array.from({ length: perStep }, (_, i) => `${name} ${i + 1}`).join('\n');
        lines.add({
          attemptId: 'a',
          step,
          seq: step,
          stream: 'stdout',
          text: `${text}\n`,
          at: step * 1000,
        });
      });
      const all = lines.lines();
      const plan = names.map((name) => ({ name, continueOnError: false }));
      const steps = summarizeSteps(plan, all, {
        status: 'succeeded',
        reason: null,
        finishedAt: names.length * 1000,
      });
      return { lines: all, steps };
    }

    it('shows a header per step with its name, state and duration that hides its lines', () => {
      const { lines, steps } = stepped(['install', 'test'], 2);
      const onToggle = vi.fn();
      const view = render(
        <LogView
          lines={lines}
          steps={steps}
          collapsed={new Set([0])}
          onToggleStep={onToggle}
          height={400}
        />,
      );
      unmount = view.unmount;
      const headers = [...view.container.querySelectorAll('.log-step')];
      expect(headers.map((h) => h.textContent)).toEqual([
        '▸ installsucceeded1.0 s2 lines',
        '▾ testsucceeded1.0 s2 lines',
      ]);
      const buttons = [...view.container.querySelectorAll('button')];
      expect(buttons.map((b) => b.getAttribute('aria-expanded'))).toEqual(['false', 'true']);
      expect([...view.container.querySelectorAll('.log-line')].map((l) => l.id)).toEqual([
        'L3',
        'L4',
      ]);
      act(() => {
        buttons[0]?.click();
      });
      expect(onToggle).toHaveBeenCalledWith(0);
    });

    it('keeps 100,000 lines virtual and scrolls to a permalinked line in a later step', () => {
      const { lines, steps } = stepped(['build', 'test'], 50_000);
      const view = render(<LogView lines={lines} steps={steps} selected={75_000} height={400} />);
      unmount = view.unmount;
      const rows = view.container.querySelectorAll('.log-line, .log-step');
      expect(rows.length).toBeLessThan(200);
      expect(view.container.querySelector('#L75000')?.textContent).toContain('test 25000');
      expect(view.container.querySelector('#L1')).toBeNull();
      const area = view.container.querySelector<HTMLElement>('.log-lines');
      expect(area?.style.height).toBe(`${(100_000 + 2) * 20}px`);
    });
  });
});
