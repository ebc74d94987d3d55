import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnsiLine, stripAnsi } from './ansi.js';

const ESC = '\u001b';

describe('ANSI lines', () => {
  it('reads colours, bold and resets into styled runs', () => {
    const { segments, end } = parseAnsiLine(
      `plain ${ESC}[31mred ${ESC}[1;92mbold green${ESC}[0m done ${ESC}[38;5;208morange`,
    );
    expect(segments).toEqual([
      { text: 'plain ', style: {} },
      { text: 'red ', style: { fg: 'var(--ansi-red)' } },
      { text: 'bold green', style: { fg: 'var(--ansi-bright-green)', bold: true } },
      { text: ' done ', style: {} },
      { text: 'orange', style: { fg: 'rgb(255, 135, 0)' } },
    ]);
    expect(end).toEqual({ fg: 'rgb(255, 135, 0)' });
  });

  it('carries the style a line ended with into the next, and reads truecolour', () => {
    const first = parseAnsiLine(`${ESC}[44mblue background`);
    const second = parseAnsiLine(`still ${ESC}[38;2;1;2;3mrgb${ESC}[49m`, first.end);
    expect(second.segments).toEqual([
      { text: 'still ', style: { bg: 'var(--ansi-blue)' } },
      { text: 'rgb', style: { bg: 'var(--ansi-blue)', fg: 'rgb(1, 2, 3)' } },
    ]);
  });

  it('drops cursor moves, titles and stray escapes without losing text', () => {
    expect(stripAnsi(`a${ESC}[2Kb${ESC}]0;title\u0007c${ESC}(Bd${ESC}`)).toBe('abcd');
  });

  it('keeps every character that is not part of an escape, in order (property)', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 8 }).map((s) => s.replaceAll(ESC, '')),
      fc
        .array(fc.integer({ min: 0, max: 300 }), { maxLength: 5 })
        .map((codes) => `${ESC}[${codes.join(';')}m`),
      fc.constantFrom(`${ESC}[1A`, `${ESC}]8;;http://x${ESC}\\`, `${ESC}c`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const line = pieces.join('');
        const expected = pieces.filter((p) => !p.startsWith(ESC)).join('');
        const { segments } = parseAnsiLine(line);
        expect(segments.map((s) => s.text).join('')).toBe(expected);
        expect(stripAnsi(line)).toBe(expected);
        for (const s of segments) expect(s.text).not.toBe('');
      }),
    );
  });
});
