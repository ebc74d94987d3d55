import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '../ui/format.js';
import { AnsiText } from './ansi-text.js';
import type { LogLine } from './log-lines.js';
import { logRows, stepStateLabel, type LogRow, type StepSummary } from './log-steps.js';

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
  /** When given, lines are shown under a header per step, which collapses them. */
  readonly steps?: readonly StepSummary[];
  /** Indexes of the steps whose lines are hidden. */
  readonly collapsed?: ReadonlySet<number>;
  /** Called with a step's index when its header is toggled. */
  readonly onToggleStep?: (step: number) => void;
}

const NONE: ReadonlySet<number> = new Set();

function lineRow(line: LogLine | undefined): LogRow | undefined {
  return line === undefined ? undefined : { kind: 'line', line };
}

/** A step's header: a button that shows or hides its lines, its state and duration. */
function StepHeader({
  step,
  collapsed,
  onToggle,
}: {
  readonly step: StepSummary;
  readonly collapsed: boolean;
  readonly onToggle: (() => void) | undefined;
}) {
  const took =
    step.startedAt !== null && step.finishedAt !== null
      ? formatDuration(step.finishedAt - step.startedAt)
      : '';
  return (
    <>
      <button
        type="button"
        className="log-step-toggle"
        aria-expanded={!collapsed}
        onClick={onToggle}
      >
        <span aria-hidden="true" className="chevron">
          {collapsed ? '▸' : '▾'}
        </span>{' '}
        {step.name}
      </button>
      <span className={`log-step-state step-${step.state}`}>{stepStateLabel(step.state)}</span>
      {took !== '' && <span className="log-step-meta">{took}</span>}
      <span className="log-step-meta">{step.lines === 1 ? '1 line' : `${step.lines} lines`}</span>
    </>
  );
}

/**
 * A task's output: line numbers that are permalinks (`#L123`), ANSI colours as React
 * elements, optional timestamps, and (given `steps`) a header per step that collapses its
 * lines. Only the rows in view (and a few around) are in the document, so long logs
 * scroll smoothly.
 */
export function LogView({
  lines,
  query = '',
  showTimes = false,
  selected = null,
  onSelect,
  follow = false,
  height,
  steps,
  collapsed = NONE,
  onToggleStep,
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

  const rows: readonly LogRow[] | null = useMemo(
    () => (steps === undefined ? null : logRows(lines, steps, collapsed)),
    [lines, steps, collapsed],
  );
  const count = rows === null ? lines.length : rows.length;
  const rowOfSelected = useMemo(() => {
    if (selected === null) return -1;
    if (rows === null) return selected - 1;
    return rows.findIndex((row) => row.kind === 'line' && row.line.number === selected);
  }, [rows, selected]);
  const rowRef = useRef(rowOfSelected);
  useLayoutEffect(() => {
    rowRef.current = rowOfSelected;
  });
  const shown = rowOfSelected >= 0;

  useEffect(() => {
    const element = scroller.current;
    const row = rowRef.current;
    if (element === null || selected === null || row < 0) return;
    element.scrollTop = Math.max(0, row * LINE_HEIGHT - viewport / 3);
    setScrollTop(element.scrollTop);
  }, [selected, viewport, shown]);

  useEffect(() => {
    const element = scroller.current;
    if (element === null || !follow || !stuck || selected !== null) return;
    element.scrollTop = element.scrollHeight;
    setScrollTop(element.scrollTop);
  }, [lines, follow, stuck, selected]);

  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / LINE_HEIGHT) + OVERSCAN);
  const lower = query.toLowerCase();

  const drawn = [];
  for (let i = first; i < last; i++) {
    const row = rows === null ? lineRow(lines[i]) : rows[i];
    if (row === undefined) continue;
    if (row.kind === 'step') {
      const { step } = row;
      drawn.push(
        <div
          key={`step-${step.index}`}
          className={`log-step log-step-${step.state}`}
          style={{ top: i * LINE_HEIGHT }}
          role="listitem"
        >
          <StepHeader
            step={step}
            collapsed={row.collapsed}
            onToggle={
              onToggleStep === undefined
                ? undefined
                : () => {
                    onToggleStep(step.index);
                  }
            }
          />
        </div>,
      );
      continue;
    }
    const { line } = row;
    const isMatch = lower !== '' && line.search.includes(lower);
    const classes = ['log-line'];
    if (line.number === selected) classes.push('selected');
    if (line.stream === 'stderr') classes.push('stderr');
    if (isMatch) classes.push('match');
    drawn.push(
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
      <div className="log-lines" role="list" style={{ height: count * LINE_HEIGHT }}>
        {drawn}
      </div>
    </div>
  );
}
