import { describe, expect, it } from 'vitest';
import { parseAssignments } from './parse-assignments.js';
import { parseSecretsFile } from './parse-secrets-file.js';

describe('parseAssignments', () => {
  it('splits at the first equals sign', () => {
    expect(parseAssignments(['a=1', 'url=x=y', 'empty='], '--param')).toEqual({
      a: '1',
      url: 'x=y',
      empty: '',
    });
  });

  it('says what to write when a value has no name', () => {
    expect(() => parseAssignments(['=1'], '--param')).toThrow(
      '--param expects NAME=VALUE, got "=1"',
    );
  });

  it('never repeats a malformed secret', () => {
    expect(() => parseAssignments(['hunter2-token'], '--secret', { secret: true })).toThrow(
      /^--secret expects NAME=VALUE, got something else \(not shown: it may be a secret\)$/,
    );
  });

  it('says what a name is made of when the part before = is not one', () => {
    expect(() => parseAssignments(['1st=a'], '--param')).toThrow(
      '--param expects NAME=VALUE with a NAME of letters, digits, "_" and "-", not starting with a digit or "-", got "1st=a"',
    );
    expect(() => parseAssignments(['aGVsbG8+d29y=='], '--secret', { secret: true })).toThrow(
      /^--secret expects NAME=VALUE with a NAME of letters, .*, got something else \(not shown: it may be a secret\)$/,
    );
  });

  it('refuses a name given twice rather than keeping one value', () => {
    expect(() => parseAssignments(['a=1', 'b=2', 'a=3'], '--param')).toThrow(
      '--param sets a twice: give it once',
    );
  });
});

describe('parseSecretsFile', () => {
  it('reads plain, quoted and multi-line values', () => {
    const text = [
      '# deploy keys',
      'TOKEN=abc123 # comment',
      'export QUOTED="a \\"b\\" c"',
      "RAW='x\\ny'",
      'KEY="-----BEGIN KEY-----',
      'line2',
      '-----END KEY-----"',
      'ESCAPED="one\\ntwo"',
    ].join('\n');
    expect(parseSecretsFile(text, 's.env')).toEqual({
      TOKEN: 'abc123',
      QUOTED: 'a "b" c',
      RAW: 'x\\ny',
      KEY: '-----BEGIN KEY-----\nline2\n-----END KEY-----',
      ESCAPED: 'one\ntwo',
    });
  });

  it('refuses a value with a NUL byte, which no environment variable can carry', () => {
    expect(() => parseSecretsFile('A=1\nTOKEN=top\0secret', 's.env')).toThrow(
      /^s\.env:2: the value of TOKEN holds a NUL byte, which an environment variable cannot carry; remove it$/,
    );
    expect(() => parseSecretsFile('KEY="one\ntw\0o"', 's.env')).toThrow(
      's.env:1: the value of KEY',
    );
  });

  it('refuses a name set twice, as --secret does, instead of keeping the last value', () => {
    expect(() => parseSecretsFile('TOKEN=one\nOTHER=x\nexport TOKEN=two', 's.env')).toThrow(
      /^s\.env:3: TOKEN is set again \(first on line 1\); keep one of the two$/,
    );
  });

  it('points at the line of a malformed entry', () => {
    expect(() => parseSecretsFile('A=1\nnot a secret', 's.env')).toThrow(
      's.env:2: expected NAME=VALUE',
    );
    expect(() => parseSecretsFile('1ST=x', 's.env')).toThrow(
      's.env:1: expected NAME=VALUE with a NAME of letters, digits and "_", not starting with a digit',
    );
    expect(() => parseSecretsFile('A="open', 's.env')).toThrow(
      's.env:1: the quoted value of A is not closed',
    );
  });
});
