import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { AnsiText } from './ansi-text.js';
import type { LogLine } from './log-lines.js';

/** Height of one line in pixels; the stylesheet sets the same. */
export const LINE_HEIGHT = 20;
/** Lines drawn above and below the visible ones. */
const OVERSCAN = 30;

/** The line a `#L123` fragment names, or null. */
export function lineOfHash(hash: string): number | null {
  const match = /^#L(\d+)$/.exec(hash);
  return match ? Number(match[1]) : null;
}

function clock(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** What {@link LogView} shows. */
export interface LogViewProps {
  readonly lines: readonly LogLine[];
  /** Marks matches of this text. */
  readonly query?: string;
  readonly showTimes?: boolean;
  /** The line to scroll to and mark (from `#L123`). */
  readonly selected?: number | null;
  /** Called with a line number when its permalink is followed. */
  readonly onSelect?: (line: number) => void;
  /** Keeps the newest line in view while lines arrive, until the reader scrolls up. */
  readonly follow?: boolean;
  /** Height of the scrolling area in pixels (the window's, less the header, by default). */
  readonly height?: number;
}

/**
 * A task's output: line numbers that are permalinks (`#L123`), ANSI colours as React
 * elements, optional timestamps. Only the lines in view (and a few around) are in the
 * document, so long logs scroll smoothly.
 */
export function LogView({
  lines,
  query = '',
  showTimes = false,
  selected = null,
  onSelect,
  follow = false,
  height,
}: LogViewProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(height ?? 600);
  const [stuck, setStuck] = useState(true);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (element === null || height !== undefined) return;
    const measure = () => {
      setViewport(element.clientHeight || 600);
    };
    measure();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(element);
    return () => observer?.disconnect();
  }, [height]);

  useEffect(() => {
    const element = scroller.current;
    if (element === null || selected === null) return;
    element.scrollTop = Math.max(0, (selected - 1) * LINE_HEIGHT - viewport / 3);
    setScrollTop(element.scrollTop);
  }, [selected, viewport]);

  useEffect(() => {
    const element = scroller.current;
    if (element === null || !follow || !stuck || selected !== null) return;
    element.scrollTop = element.scrollHeight;
    setScrollTop(element.scrollTop);
  }, [lines, follow, stuck, selected]);

  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((scrollTop + viewport) / LINE_HEIGHT) + OVERSCAN);
  const lower = query.toLowerCase();

  const rows = [];
  for (let i = first; i < last; i++) {
    const line = lines[i];
    if (line === undefined) continue;
    const isMatch = lower !== '' && line.search.includes(lower);
    const classes = ['log-line'];
    if (line.number === selected) classes.push('selected');
    if (line.stream === 'stderr') classes.push('stderr');
    if (isMatch) classes.push('match');
    rows.push(
      <div
        key={line.number}
        id={`L${line.number}`}
        className={classes.join(' ')}
        style={{ top: i * LINE_HEIGHT }}
        role="listitem"
      >
        <a
          className="log-number"
          href={`#L${line.number}`}
          aria-label={`Line ${line.number}`}
          onClick={(event) => {
            if (onSelect === undefined) return;
            event.preventDefault();
            onSelect(line.number);
          }}
        >
          {line.number}
        </a>
        {showTimes && <time className="log-time">{clock(line.at)}</time>}
        <span className="log-text">
          <AnsiText segments={line.segments} query={query} />
        </span>
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="log-view"
      style={height !== undefined ? { height } : undefined}
      tabIndex={0}
      aria-label="Task output"
      onScroll={(event) => {
        const element = event.currentTarget;
        setScrollTop(element.scrollTop);
        setStuck(element.scrollTop + element.clientHeight >= element.scrollHeight - LINE_HEIGHT);
      }}
    >
      <div className="log-lines" role="list" style={{ height: lines.length * LINE_HEIGHT }}>
        {rows}
      </div>
    </div>
  );
}
