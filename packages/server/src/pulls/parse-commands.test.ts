import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COMMANDS, parseCommands, PrCommandName } from './parse-commands.js';

describe('pull request comment commands', () => {
  it('reads known commands at the start of lines, with their words', () => {
    expect(
      parseCommands(
        'Looks good to me.\n/lgtm\r\n/test  integration  \n/hold cancel\n  /retest\n/unknown thing\nsee /cancel',
      ),
    ).toEqual([
      { name: 'lgtm', args: [] },
      { name: 'test', args: ['integration'] },
      { name: 'hold', args: ['cancel'] },
    ]);
    expect(parseCommands('/OK-TO-TEST\n/Deploy staging')).toEqual([
      { name: 'ok-to-test', args: [] },
      { name: 'deploy', args: ['staging'] },
    ]);
  });

  it('ignores commands shown in fenced code blocks and quotes', () => {
    expect(parseCommands('Use:\n```\n/retest\n```\n> /approve\n/cancel')).toEqual([
      { name: 'cancel', args: [] },
    ]);
  });

  it('reads at most the first commands of a long comment', () => {
    expect(parseCommands('/retest\n'.repeat(50))).toHaveLength(MAX_COMMANDS);
  });

  it('finds exactly the known commands put on lines of any text', () => {
    const names = Object.values(PrCommandName);
    const noise = fc.string().map((s) => s.replace(/[`~]/g, '').replace(/^[\s/]+/gm, ''));
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            noise,
            fc.constantFrom(...names).map((n) => `/${n}`),
          ),
          { maxLength: 20 },
        ),
        (lines) => {
          const expected = lines.filter((line) => line.startsWith('/')).slice(0, MAX_COMMANDS);
          const parsed = parseCommands(lines.join('\n'));
          expect(parsed.map((c) => `/${c.name}`)).toEqual(expected);
        },
      ),
    );
  });
});
