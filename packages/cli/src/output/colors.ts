/** ANSI styles, switched off when the stream is not a terminal or NO_COLOR is set. */
export interface Colors {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  /** A stable colour per task, so its lines are easy to follow. */
  forKey(key: string, text: string): string;
}

const PALETTE = [36, 35, 34, 33, 32, 96, 95, 94, 93, 92];

export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors {
  const enabled =
    env.NO_COLOR === undefined || env.NO_COLOR === ''
      ? env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0'
        ? true
        : stream.isTTY === true && env.TERM !== 'dumb'
      : false;
  const wrap = (code: number, reset: number) => (text: string) =>
    enabled ? `\x1b[${code}m${text}\x1b[${reset}m` : text;
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    forKey(key, text) {
      if (!enabled) return text;
      let hash = 0;
      for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
      return `\x1b[${PALETTE[hash % PALETTE.length] ?? 36}m${text}\x1b[39m`;
    },
  };
}
