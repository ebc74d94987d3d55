import { encodeBase64 } from './base64.js';

/**
 * Values (and lines of multi-line values) with fewer characters than this, not counting
 * surrounding whitespace, are not masked: hiding every `ab` would hide too much.
 */
export const MIN_SECRET_LENGTH = 3;
/** Line length of wrapped base64, as the `base64` command writes it. */
const BASE64_LINE = 76;

/**
 * Every form in which `secret` may show up in a log, none containing a line break:
 * the value itself (when it is one line), each line of a multi-line value, its base64
 * encoding (whole, as 76-character lines, and as it appears inside a longer base64
 * text at each of the three byte alignments), and its URL encoding.
 */
export function secretForms(secret: string): string[] {
  if (secret.trim().length < MIN_SECRET_LENGTH) return [];
  const forms = new Set<string>();
  const add = (form: string) => {
    if (form.trim().length >= MIN_SECRET_LENGTH && !/[\r\n]/.test(form)) forms.add(form);
  };
  add(secret);
  for (const line of secret.split(/\r\n|\r|\n/)) {
    add(line);
    add(line.trim());
  }
  const bytes = new TextEncoder().encode(secret);
  const base64 = encodeBase64(bytes);
  add(base64);
  for (let i = 0; i < base64.length && base64.length > BASE64_LINE; i += BASE64_LINE) {
    add(base64.slice(i, i + BASE64_LINE));
  }
  for (const shift of [0, 1, 2]) add(embeddedBase64(bytes, shift));
  for (const form of urlEncodings(secret)) add(form);
  return [...forms];
}

/**
 * The part of a longer base64 text that depends only on `bytes` when they start `shift`
 * bytes after a 3-byte boundary: the characters that also encode bits of the bytes
 * before or after are left out.
 */
function embeddedBase64(bytes: Uint8Array, shift: number): string {
  const shifted = new Uint8Array(shift + bytes.length);
  shifted.set(bytes, shift);
  const start = Math.ceil((8 * shift) / 6);
  const end = Math.floor((8 * (shift + bytes.length)) / 6);
  return encodeBase64(shifted).slice(start, end);
}

function urlEncodings(secret: string): string[] {
  try {
    const encoded = encodeURIComponent(secret);
    return [encoded, encoded.replaceAll('%20', '+')];
  } catch {
    // A lone surrogate has no URL encoding, so the value cannot appear URL-encoded.
    return [];
  }
}
