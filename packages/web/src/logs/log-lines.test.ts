import type { LogChunk } from '@slipway/api';
import { describe, expect, it } from 'vitest';
import { LogLines } from './log-lines.js';

let seq = 0;
function chunk(text: string, step = 0, stream: LogChunk['stream'] = 'stdout'): LogChunk {
  seq++;
  return { attemptId: 'a1', step, seq, stream, text, at: 1000 + seq };
}

describe('log lines from chunks', () => {
  it('joins a line split across chunks and numbers lines across steps', () => {
    const lines = new LogLines();
    lines.add(chunk('compiling '));
    lines.add(chunk('done\nlinking'));
    expect(lines.lines().map((l) => [l.number, l.text])).toEqual([
      [1, 'compiling done'],
      [2, 'linking'],
    ]);
    lines.add(chunk('tests pass\n', 1));
    expect(lines.lines().map((l) => [l.number, l.step, l.text])).toEqual([
      [1, 0, 'compiling done'],
      [2, 0, 'linking'],
      [3, 1, 'tests pass'],
    ]);
  });

  it('answers a new array whenever lines were added, so a view redraws', () => {
    const lines = new LogLines();
    lines.add(chunk('one\n'));
    const before = lines.lines();
    lines.add(chunk('two\n'));
    const after = lines.lines();
    expect(after).not.toBe(before);
    expect(before.map((l) => l.text)).toEqual(['one']);
    expect(after.map((l) => l.text)).toEqual(['one', 'two']);
  });

  it('shows what a carriage return leaves visible, as a terminal does', () => {
    const lines = new LogLines();
    lines.add(chunk('10%\r50%\r100%\r\n'));
    expect(lines.lines().map((l) => l.text)).toEqual(['100%']);
  });

  it('keeps a colour open across lines of one step, not into the next step', () => {
    const lines = new LogLines();
    lines.add(chunk('\u001b[31mred\nstill red\n'));
    lines.add(chunk('plain\n', 1));
    const [first, second, third] = lines.lines();
    expect(first?.segments).toEqual([{ text: 'red', style: { fg: 'var(--ansi-red)' } }]);
    expect(second?.segments).toEqual([{ text: 'still red', style: { fg: 'var(--ansi-red)' } }]);
    expect(third?.segments).toEqual([{ text: 'plain', style: {} }]);
    expect(first?.search).toBe('red');
  });
});
