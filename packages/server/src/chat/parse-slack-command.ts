/** The subcommands of `/slipway`. */
export const SlackCommandName = {
  Help: 'help',
  Status: 'status',
  Approve: 'approve',
  Reject: 'reject',
  Deploy: 'deploy',
} as const;
export type SlackCommandName = (typeof SlackCommandName)[keyof typeof SlackCommandName];

const NAMES: readonly string[] = Object.values(SlackCommandName);

/** A `/slipway` command: its subcommand and the words after it; `help` when unknown. */
export interface SlackCommand {
  readonly name: SlackCommandName;
  readonly args: readonly string[];
  /** The subcommand given when it is not one Slipway knows (answered with the help). */
  readonly unknown?: string;
}

/** Words read after the subcommand at most; commands take two. */
const MAX_ARGS = 4;

/**
 * Reads the text after `/slipway` (`status shop`, `approve RUN deploy`): the first word
 * names the subcommand, the next words are its arguments, read as names and never run.
 * No text, or an unknown subcommand, asks for the help.
 */
export function parseSlackCommand(text: string): SlackCommand {
  const [word = '', ...args] = text
    .trim()
    .split(/\s+/)
    .filter((part) => part !== '');
  const name = word.toLowerCase();
  if (name === '') return { name: SlackCommandName.Help, args: [] };
  if (!NAMES.includes(name)) {
    return { name: SlackCommandName.Help, args: [], unknown: word.slice(0, 50) };
  }
  return { name: name as SlackCommandName, args: args.slice(0, MAX_ARGS) };
}

/** What `/slipway help` answers. */
export const SLACK_HELP = [
  '*Slipway commands*',
  '`/slipway status PROJECT`: the latest runs of a project and the approvals they wait for',
  '`/slipway approve RUN [TASK]`: approve an approval task of a run (the one waiting, when TASK is left out)',
  '`/slipway reject RUN [TASK]`: reject it',
  '`/slipway deploy SERVICE ENV`: deploy a service to an environment',
  '`/slipway help`: this list',
].join('\n');
