import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretMasker } from './index.js';

const PEM = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDzVh9yB0YqS5Z3kq3Jt1qkQwL6uN2hV4zq4b2dJm1lPgAAAJgAAAAAAAAA',
  'AAAAC3NzaC1lZDI1NTE5AAAAIPNWH3IHRipLlneSrcm3WqRDAvq43aFXjOrhvZ0mbWU+',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n');

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Feeds `chunks` to a masking stream and returns what it emitted, flushed. */
function streamed(masker: SecretMasker, chunks: readonly string[]): string {
  let out = '';
  const stream = masker.createStream((text) => (out += text));
  for (const chunk of chunks) stream.write(chunk);
  stream.flush();
  return out;
}

/** `text` cut at the given offsets. */
function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...points].map((start, i) => text.slice(start, points[i] ?? text.length));
}

/** True when some base64 run left in `masked` still decodes to text containing `secret`. */
function base64Reveals(masked: string, secret: string): boolean {
  return masked.split(/\*\*\*|[^A-Za-z0-9+/=]/).some((piece) =>
    [0, 1, 2, 3].some((offset) => {
      const aligned = piece.slice(offset, offset + Math.floor((piece.length - offset) / 4) * 4);
      return Buffer.from(aligned, 'base64').toString('latin1').includes(secret);
    }),
  );
}

describe('SecretMasker.mask', () => {
  it('leaves text alone when there are no secrets', () => {
    const masker = new SecretMasker([]);
    expect(masker.patterns).toEqual([]);
    expect(masker.mask('token=abc\n')).toBe('token=abc\n');
  });

  it('hides every occurrence of every secret', () => {
    const masker = new SecretMasker(['hunter2', 's3cr3t.value(1)']);
    expect(masker.mask('pw=hunter2 again hunter2; other=s3cr3t.value(1)')).toBe(
      'pw=*** again ***; other=***',
    );
  });

  it('hides the longest form where secrets overlap', () => {
    const masker = new SecretMasker(['abc', 'abcdef']);
    expect(masker.mask('xabcdefx abcx')).toBe('x***x ***x');
  });

  it('does not mask values shorter than 3 characters', () => {
    const masker = new SecretMasker(['', 'a', 'ab', '  x  ', '\n\n']);
    expect(masker.patterns).toEqual([]);
    expect(masker.mask('a ab  x  ')).toBe('a ab  x  ');
  });

  it('treats regular expression characters literally', () => {
    const masker = new SecretMasker(['a.c$^(x|y)[z]\\']);
    expect(masker.mask('abc a.c$^(x|y)[z]\\ end')).toBe('abc *** end');
  });

  it('hides a multi-line secret printed whole, line by line, or indented', () => {
    const masker = new SecretMasker([PEM]);
    const lines = PEM.trimEnd().split('\n');
    expect(masker.mask(`key:\n${PEM}done`)).toBe(
      `key:\n${lines.map(() => '***').join('\n')}\ndone`,
    );
    const indented = lines.map((line) => `  > ${line}`).join('\r\n');
    expect(masker.mask(indented)).toBe(lines.map(() => '  > ***').join('\r\n'));
    for (const line of lines) expect(masker.mask(`echo ${line}`)).toBe('echo ***');
  });

  it('hides lines of a secret with Windows line endings', () => {
    const masker = new SecretMasker(['first-line\r\nsecond-line\r\n']);
    expect(masker.mask('first-line\nsecond-line\n')).toBe('***\n***\n');
    expect(masker.patterns.some((p) => /[\r\n]/.test(p))).toBe(false);
  });

  it('hides the base64 form of a secret', () => {
    const secret = 'correct horse battery staple';
    const masker = new SecretMasker([secret]);
    expect(masker.mask(`Authorization: Basic ${base64(secret)}`)).toBe('Authorization: Basic ***');
    expect(masker.mask(base64(`user:${secret}`))).not.toContain(base64(secret).slice(4, -4));
  });

  it('hides a secret inside a longer base64 text at every alignment', () => {
    const secret = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
    const masker = new SecretMasker([secret]);
    for (let before = 0; before < 6; before++) {
      for (let after = 0; after < 4; after++) {
        const blob = base64(`{"auths":${'x'.repeat(before)}"${secret}"${'y'.repeat(after)}}`);
        expect(base64Reveals(blob, secret)).toBe(true);
        const masked = masker.mask(blob);
        expect(masked).toContain('***');
        expect(base64Reveals(masked, secret)).toBe(false);
      }
    }
  });

  it('hides base64 wrapped at 76 characters', () => {
    const secret = PEM.repeat(2);
    const masker = new SecretMasker([secret]);
    const wrapped = base64(secret).replace(/.{76}/g, '$&\n');
    const masked = masker.mask(wrapped);
    for (const line of masked.trimEnd().split('\n')) expect(line).toBe('***');
  });

  it('hides the URL-encoded form of a secret', () => {
    const secret = 'p@ss w/rd&more';
    const masker = new SecretMasker([secret]);
    expect(masker.mask(`https://bot:${encodeURIComponent(secret)}@git.example.com`)).toBe(
      'https://bot:***@git.example.com',
    );
    expect(masker.mask(new URLSearchParams({ p: secret }).toString())).toBe('p=***');
  });

  it('lists every hidden form, longest first, none with a line break', () => {
    const masker = new SecretMasker([PEM, 'hunter2']);
    expect(masker.patterns).toContain('hunter2');
    expect(masker.patterns).toContain(base64('hunter2'));
    const lengths = masker.patterns.map((p) => p.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    expect(masker.patterns.some((p) => /[\r\n]/.test(p))).toBe(false);
  });
});

describe('SecretMasker.createStream', () => {
  it('passes text through unchanged, and at once, when there are no secrets', () => {
    const emitted: string[] = [];
    const stream = new SecretMasker([]).createStream((text) => emitted.push(text));
    stream.write('partial');
    expect(emitted).toEqual(['partial']);
    stream.write(' line\n');
    stream.flush();
    expect(emitted.join('')).toBe('partial line\n');
  });

  it('emits complete lines at once and holds the unfinished one until flush', () => {
    const emitted: string[] = [];
    const stream = new SecretMasker(['hunter2']).createStream((text) => emitted.push(text));
    stream.write('one hunter2\ntwo hun');
    expect(emitted).toEqual(['one ***\n']);
    stream.write('ter2 three');
    expect(emitted).toEqual(['one ***\n']);
    stream.flush();
    expect(emitted).toEqual(['one ***\n', 'two *** three']);
  });

  it('treats a carriage return as the end of a line, for progress output', () => {
    const emitted: string[] = [];
    const stream = new SecretMasker(['hunter2']).createStream((text) => emitted.push(text));
    stream.write('10% hunter2\r20%');
    expect(emitted).toEqual(['10% ***\r']);
  });

  it('masks a secret split across chunks at every offset', () => {
    const masker = new SecretMasker([PEM, 'hunter2']);
    const text = `start hunter2\n${PEM}${base64(PEM)} end hunter2`;
    const expected = masker.mask(text);
    for (let i = 0; i <= text.length; i++) {
      expect(streamed(masker, [text.slice(0, i), text.slice(i)])).toBe(expected);
    }
    expect(streamed(masker, text.split(''))).toBe(expected);
  });

  it('passes on a very long line in pieces and still masks secrets across them', () => {
    const secret = 'tok_9f8e7d6c5b4a3210';
    const masker = new SecretMasker([secret]);
    const limit = 64 * 1024;
    for (const at of [limit - 30, limit - 10, limit, limit + 5, 2 * limit + 3]) {
      const text = `${'x'.repeat(at)}${secret}${'y'.repeat(limit + 100)}`;
      for (const chunkSize of [1000, 4093, 65536]) {
        const chunks = split(
          text,
          Array.from({ length: Math.ceil(text.length / chunkSize) }, (_, i) => i * chunkSize),
        );
        const emitted: string[] = [];
        const stream = masker.createStream((piece) => emitted.push(piece));
        for (const chunk of chunks) stream.write(chunk);
        expect(emitted.join('').length).toBeGreaterThan(text.length - limit - chunkSize - 64);
        stream.flush();
        const out = emitted.join('');
        expect(out).not.toContain(secret);
        expect(out).toBe(masker.mask(text));
      }
    }
  });

  it('never lets a secret through, for any secret and any chunking', () => {
    const line = fc
      .string({ unit: 'grapheme', minLength: 3, maxLength: 40 })
      .filter((s) => !/[\r\n]/.test(s) && s.trim().length >= 3);
    const secret = fc.oneof(
      line,
      fc.array(line, { minLength: 2, maxLength: 4 }).map((lines) => lines.join('\n')),
    );
    // A secret made of or ending in `*` could be re-formed next to the `***` mask itself.
    const maskable = secret.filter((s) => !s.includes('*'));
    const text = fc.string({ unit: 'grapheme', maxLength: 80 });
    fc.assert(
      fc.property(
        maskable,
        text,
        text,
        fc.array(fc.nat(), { maxLength: 12 }),
        (s, before, after, cuts) => {
          const input = `${before}${s}${after}${s}`;
          const masker = new SecretMasker([s]);
          const out = streamed(masker, split(input, cuts));
          expect(out).not.toContain(s);
          expect(out).toBe(masker.mask(input));
        },
      ),
      { numRuns: 300 },
    );
  });
});
