import type { CSSProperties, ReactNode } from 'react';
import type { AnsiSegment, AnsiStyle } from './ansi.js';

function cssOf(style: AnsiStyle): CSSProperties | undefined {
  const css: CSSProperties = {};
  if (style.fg !== undefined) css.color = style.fg;
  if (style.bg !== undefined) css.backgroundColor = style.bg;
  if (style.bold) css.fontWeight = 'bold';
  if (style.dim) css.opacity = 0.7;
  if (style.italic) css.fontStyle = 'italic';
  if (style.underline) css.textDecoration = 'underline';
  return Object.keys(css).length === 0 ? undefined : css;
}

/** Marks every case-insensitive occurrence of `query` in `text`. */
function highlighted(text: string, query: string, key: string): ReactNode {
  if (query === '') return text;
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={`${key}-${at}`}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return parts;
}

/**
 * Styled segments as React elements: the text is always a text node, so markup or script
 * in the output is shown, never run. A match of `query` is marked (within a segment).
 */
export function AnsiText({
  segments,
  query = '',
}: {
  readonly segments: readonly AnsiSegment[];
  readonly query?: string;
}) {
  return (
    <>
      {segments.map((segment, i) => {
        const css = cssOf(segment.style);
        const content = highlighted(segment.text, query, String(i));
        return css === undefined ? (
          <span key={i}>{content}</span>
        ) : (
          <span key={i} style={css}>
            {content}
          </span>
        );
      })}
    </>
  );
}
