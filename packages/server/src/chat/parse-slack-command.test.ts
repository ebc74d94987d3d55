import { describe, expect, it } from 'vitest';
import { parseSlackCommand } from './parse-slack-command.js';

describe('parseSlackCommand', () => {
  it('reads the subcommand and the words after it', () => {
    expect(parseSlackCommand('  Approve  run-1   deploy ')).toEqual({
      name: 'approve',
      args: ['run-1', 'deploy'],
    });
    expect(parseSlackCommand('status shop')).toEqual({ name: 'status', args: ['shop'] });
  });

  it('asks for the help without text or for an unknown subcommand, naming it', () => {
    expect(parseSlackCommand('')).toEqual({ name: 'help', args: [] });
    expect(parseSlackCommand('merge 7')).toEqual({ name: 'help', args: [], unknown: 'merge' });
  });

  it('keeps words as plain names, never more than four', () => {
    expect(parseSlackCommand('deploy $(rm -rf ~) `x` a b c').args).toEqual([
      '$(rm',
      '-rf',
      '~)',
      '`x`',
    ]);
  });
});
