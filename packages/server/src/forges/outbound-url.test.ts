import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkForgeApiUrl, isPrivateHost } from './outbound-url.js';

describe('forge API URLs', () => {
  it('refuses loopback, link-local and private addresses unless allowed', () => {
    for (const url of [
      'http://localhost:3000/api/v4',
      'http://127.0.0.1/api',
      'http://10.1.2.3',
      'http://172.20.0.1',
      'http://192.168.1.10',
      'http://169.254.169.254/latest',
      'http://[::1]:8080',
      'http://[fd00::1]',
      'http://[::ffff:127.0.0.1]',
    ]) {
      expect(() => checkForgeApiUrl(url, false), url).toThrow(/forge-allow-private-urls/);
      expect(checkForgeApiUrl(url, true)).toBe(new URL(url).href.replace(/\/$/, ''));
    }
  });

  it('takes public URLs, dropping a trailing slash, and refuses other schemes and credentials', () => {
    expect(checkForgeApiUrl('https://ghe.example.com/api/v3/', false)).toBe(
      'https://ghe.example.com/api/v3',
    );
    expect(checkForgeApiUrl('https://172.32.0.1', false)).toBe('https://172.32.0.1');
    expect(() => checkForgeApiUrl('ftp://example.com', false)).toThrow(/http or https/);
    expect(() => checkForgeApiUrl('https://u:p@example.com', false)).toThrow(/credentials/);
    expect(() => checkForgeApiUrl('not a url', false)).toThrow(/not a URL/);
  });

  it('calls every 127.x and 10.x address private and public ones not', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.nat(255), (a, b, c) => {
        expect(isPrivateHost(`127.${a}.${b}.${c}`)).toBe(true);
        expect(isPrivateHost(`10.${a}.${b}.${c}`)).toBe(true);
        expect(isPrivateHost(`8.${a}.${b}.${c}`)).toBe(false);
      }),
    );
  });
});
