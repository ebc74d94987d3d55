/** Text attributes an ANSI SGR sequence sets. */
export interface AnsiStyle {
  readonly fg?: string;
  readonly bg?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
}

/** A run of text drawn with one style. */
export interface AnsiSegment {
  readonly text: string;
  readonly style: AnsiStyle;
}

const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** CSS colour of a 256-colour palette index: named CSS variables for the first 16. */
function paletteColour(index: number): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index > 255) return undefined;
  if (index < 16) {
    const name = BASIC[index % 8] ?? 'white';
    return `var(--ansi-${index >= 8 ? 'bright-' : ''}${name})`;
  }
  if (index < 232) {
    const n = index - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(n / 36))}, ${level(Math.floor(n / 6) % 6)}, ${level(n % 6)})`;
  }
  const grey = 8 + (index - 232) * 10;
  return `rgb(${grey}, ${grey}, ${grey})`;
}

/** Reads `38;5;n` or `38;2;r;g;b` from `codes` at `i`; returns the colour and codes used. */
function extendedColour(codes: readonly number[], i: number): [string | undefined, number] {
  const mode = codes[i + 1];
  if (mode === 5) return [paletteColour(codes[i + 2] ?? -1), 2];
  if (mode === 2) {
    const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]];
    const ok = [r, g, b].every((v) => v !== undefined && v >= 0 && v <= 255);
    return [ok ? `rgb(${r ?? 0}, ${g ?? 0}, ${b ?? 0})` : undefined, 4];
  }
  return [undefined, 0];
}

function applyCodes(style: AnsiStyle, codes: readonly number[]): AnsiStyle {
  let next: { -readonly [K in keyof AnsiStyle]: AnsiStyle[K] } = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) {
      delete next.bold;
      delete next.dim;
    } else if (code === 23) delete next.italic;
    else if (code === 24) delete next.underline;
    else if (code >= 30 && code <= 37) next.fg = paletteColour(code - 30);
    else if (code >= 90 && code <= 97) next.fg = paletteColour(code - 90 + 8);
    else if (code === 39) delete next.fg;
    else if (code >= 40 && code <= 47) next.bg = paletteColour(code - 40);
    else if (code >= 100 && code <= 107) next.bg = paletteColour(code - 100 + 8);
    else if (code === 49) delete next.bg;
    else if (code === 38 || code === 48) {
      const [colour, used] = extendedColour(codes, i);
      if (colour !== undefined) {
        if (code === 38) next.fg = colour;
        else next.bg = colour;
      }
      i += used;
    }
  }
  if (next.fg === undefined) delete next.fg;
  if (next.bg === undefined) delete next.bg;
  return next;
}

/**
 * Escape sequences: CSI (`ESC [ params final`), OSC (`ESC ] … BEL` or `ESC ] … ESC \`),
 * charset choices (`ESC ( B`) and any other two-character escape. Only SGR (`m`) changes the style; the rest is dropped.
 */
const ESC = String.fromCharCode(0x1b);
const BEL = String.fromCharCode(0x07);
const ESCAPE = new RegExp(
  `${ESC}(?:\\[([0-9;:?]*)([\\u0040-\\u007e])|\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)?|[()*+#][\\s\\S]?|[\\s\\S]?)`,
  'g',
);

/**
 * Splits one line of terminal output into styled segments, starting from `start` (the
 * style the previous line ended with), and returns the style it ends with. The segments'
 * text is the line without its escape sequences; it is plain text, never markup.
 */
export function parseAnsiLine(
  line: string,
  start: AnsiStyle = {},
): { segments: AnsiSegment[]; end: AnsiStyle } {
  const segments: AnsiSegment[] = [];
  let style = start;
  let last = 0;
  const push = (text: string) => {
    if (text === '') return;
    const previous = segments.at(-1);
    if (previous?.style === style) {
      segments[segments.length - 1] = { text: previous.text + text, style };
    } else segments.push({ text, style });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm') {
      const codes = (match[1] ?? '').split(/[;:]/).map((part) => (part === '' ? 0 : Number(part)));
      style = applyCodes(style, codes);
    }
  }
  push(line.slice(last));
  return { segments, end: style };
}

/** The line as plain text, without escape sequences. */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPE, '');
}
