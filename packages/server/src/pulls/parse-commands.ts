/** The commands a pull request comment may give. */
export const PrCommandName = {
  Retest: 'retest',
  Test: 'test',
  Cancel: 'cancel',
  Approve: 'approve',
  Hold: 'hold',
  Lgtm: 'lgtm',
  OkToTest: 'ok-to-test',
  Deploy: 'deploy',
} as const;
export type PrCommandName = (typeof PrCommandName)[keyof typeof PrCommandName];

const NAMES: readonly string[] = Object.values(PrCommandName);

/** A command read from a comment: its name and the words after it. */
export interface PrCommand {
  readonly name: PrCommandName;
  readonly args: readonly string[];
}

/** Commands read from one comment at most; the rest are ignored. */
export const MAX_COMMANDS = 10;

/**
 * The commands of a comment: each line that starts with `/` and a known name (`/retest`,
 * `/test ci`, `/hold cancel`, …), in order, at most {@link MAX_COMMANDS}. Unknown
 * commands and other lines are ignored; so are lines inside fenced code blocks and
 * quotes, which show commands rather than give them.
 */
export function parseCommands(body: string): PrCommand[] {
  const commands: PrCommand[] = [];
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('```') || line.startsWith('~~~')) {
      fenced = !fenced;
      continue;
    }
    if (fenced || !raw.startsWith('/')) continue;
    const [word = '', ...args] = line
      .slice(1)
      .split(/\s+/)
      .filter((part) => part !== '');
    const name = word.toLowerCase();
    if (!NAMES.includes(name)) continue;
    commands.push({ name: name as PrCommandName, args });
    if (commands.length === MAX_COMMANDS) break;
  }
  return commands;
}
