import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogSpool, type SpooledOutput } from './log-spool.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-spool-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const output = (text: string, attemptId = 'a'): SpooledOutput => ({
  attemptId,
  step: 1,
  stream: 'stderr',
  text,
  at: 1_700_000_000_000,
});

describe('LogSpool', () => {
  it('gives outputs back in the order they were put, text intact', () => {
    const spool = new LogSpool(join(dir, 'spool'), 1024 * 1024);
    const texts = [
      'first\n',
      'ünïcödé ✓ 🚀\n',
      'lone \ud800 half',
      '\u0000\u001b[31mred\u001b[0m',
      'x'.repeat(70_000),
    ];
    for (const text of texts) expect(spool.put(output(text))).toBe(true);
    const taken = [...spool.take(10), ...spool.take(1_000_000)];
    expect(taken).toEqual(texts.map((text) => output(text)));
    expect(spool.bytes).toBe(0);
  });

  it('empties its file once everything was taken, and deletes it when closed', () => {
    const path = join(dir, 'spool');
    const spool = new LogSpool(path, 1024 * 1024);
    spool.put(output('y'.repeat(1000)));
    expect(statSync(path).size).toBeGreaterThan(1000);
    expect(statSync(path).size, 'one byte per ASCII character').toBeLessThan(1100);
    spool.take(5000);
    expect(statSync(path).size).toBe(0);
    spool.put(output('again'));
    expect(spool.take(5000).map((o) => o.text)).toEqual(['again']);
    spool.close();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses what would pass its size, unless forced', () => {
    const spool = new LogSpool(join(dir, 'spool'), 1000);
    expect(spool.put(output('z'.repeat(450)))).toBe(true);
    expect(spool.put(output('z'.repeat(450)))).toBe(false);
    expect(spool.put(output('marker'), true)).toBe(true);
    expect(spool.take(10_000).map((o) => o.text)).toEqual(['z'.repeat(450), 'marker']);
  });

  it('counts a write it cannot make as full', () => {
    const spool = new LogSpool(join(dir, 'missing-folder', 'spool'), 1024);
    expect(spool.put(output('lost'))).toBe(false);
    expect(spool.bytes).toBe(0);
  });
});
