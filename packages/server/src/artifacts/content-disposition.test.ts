import { describe, expect, it } from 'vitest';
import { contentDisposition } from './content-disposition.js';

describe('contentDisposition', () => {
  it('names the file by the last segment of its path', () => {
    expect(contentDisposition('dist/app.tar.gz')).toBe(
      `attachment; filename="app.tar.gz"; filename*=UTF-8''app.tar.gz`,
    );
  });

  it('keeps quotes, line breaks and non-ASCII characters out of the plain name', () => {
    expect(contentDisposition('out/a"b\r\nc\\d%e ü(1).txt')).toBe(
      `attachment; filename="a_b__c_d_e _(1).txt"; filename*=UTF-8''a%22b%0D%0Ac%5Cd%25e%20%C3%BC%281%29.txt`,
    );
  });
});
