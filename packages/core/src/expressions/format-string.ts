/**
 * Splits a `format()` pattern into literal text and argument indexes: `'{0}-{1}'` →
 * `[0, '-', 1]`. `{{` and `}}` stand for literal braces. Returns an error message instead
 * when the pattern is malformed.
 */
export function compileFormat(pattern: string): (string | number)[] | string {
  const parts: (string | number)[] = [];
  let text = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    const next = pattern.charAt(i + 1);
    if ((c === '{' && next === '{') || (c === '}' && next === '}')) {
      text += c;
      i += 2;
      continue;
    }
    if (c === '}') return 'format(): a lone "}" must be written "}}"';
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    const match = /^\{(\d{1,3})\}/.exec(pattern.slice(i, i + 5));
    if (!match?.[1]) {
      return 'format(): placeholders look like {0}, {1}; write {{ for a literal "{"';
    }
    if (text) parts.push(text);
    text = '';
    parts.push(Number(match[1]));
    i += match[0].length;
  }
  if (text) parts.push(text);
  return parts;
}
