import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, formatDiagnostic, isUserError } from '@slipway/core/ports';
import { cliVersion } from './commands/cli-version.js';
import { ExitCode, exitCodeForUserError } from './exit-codes.js';
import { parseAssignments } from './inputs/parse-assignments.js';
import { colorsFor } from './output/colors.js';
import { PlanFormat } from './output/format-plan.js';

// Commands load their modules when they run, so `slipway agent` (a long-lived, small
// process) never loads the server, and `slipway run` never loads the database drivers.

const collect = (value: string, previous: string[]) => [...previous, value];
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return n;
}

/** Most runs or events one page of a list may hold, as the server allows. */
const MOST_PER_PAGE = 100;

function pageSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MOST_PER_PAGE) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MOST_PER_PAGE}`);
  }
  return n;
}

/** A parser refusing an empty value, naming what is expected instead. */
function nonEmpty(what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw new InvalidArgumentError(`expected ${what}, not an empty value`);
    return value;
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds');
  return n * 1000;
}

function graceOption(): Option {
  return new Option('--grace <seconds>', 'how long running steps may finish after SIGTERM')
    .argParser(seconds)
    .default(60_000, '60');
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number of seconds above 0');
  }
  return n * 1000;
}

const program = new Command('slipway')
  .description('Build, test and deliver services with pipelines kept as code.')
  .version(cliVersion(), '-V, --version', 'print the version')
  .option('-C, --dir <path>', 'repository to work in', '.')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({
    outputError: (text, write) => {
      write(text);
    },
  })
  .exitOverride();

/** Lets `command` take no arguments, saying what a stray word was likely meant as. */
function noArguments(command: Command, hint: (word: string) => string): Command {
  return command.allowExcessArguments().hook('preAction', (_command, action) => {
    const [word] = action.args;
    if (word !== undefined) {
      const path: string[] = [];
      for (let at: Command | null = action; at !== null; at = at.parent) path.unshift(at.name());
      action.error(`error: ${path.join(' ')} takes no arguments, got "${word}": ${hint(word)}`, {
        exitCode: ExitCode.ConfigOrUsage,
        code: 'commander.excessArguments',
      });
    }
  });
}

function repositoryDir(): string {
  return resolve(program.opts<{ dir: string }>().dir);
}

function withServer(command: Command): Command {
  return command
    .option('--server <url>', 'Slipway server (default: $SLIPWAY_SERVER or http://127.0.0.1:7070)')
    .option('--token <token>', 'API token (default: $SLIPWAY_TOKEN)')
    .option('--json', 'print JSON');
}

interface ServerFlags {
  server?: string;
  token?: string;
  json?: boolean;
}
const serverOptions = (o: ServerFlags) => ({
  server: o.server,
  token: o.token,
  json: o.json === true,
});

noArguments(
  program.command('run'),
  (word) =>
    `to run one task and the tasks it needs, use --only ${word}; to pick a pipeline, use --pipeline ${word}`,
)
  .description('run a pipeline of the repository on this machine')
  .option('-p, --pipeline <name>', 'pipeline to run (needed when there are several)')
  .option('--param <name=value>', 'set a parameter (repeatable)', collect, [])
  .option('--only <task>', 'run only this task and the tasks it needs (repeatable)', collect, [])
  .option(
    '--secret <NAME=value>',
    'a secret: env var NAME, masked in all output (repeatable)',
    collect,
    [],
  )
  .option('--secrets-file <file>', 'read secrets from a NAME=value file')
  .option(
    '-j, --parallelism <n>',
    'most tasks running at once',
    positiveInteger,
    availableParallelism(),
  )
  .option('--json', 'print a machine-readable summary on stdout; task output goes to stderr')
  .option(
    '--approve <task>',
    'approve this approval task beforehand instead of asking (repeatable)',
    collect,
    [],
  )
  .action(
    async (options: {
      pipeline?: string;
      param: string[];
      only: string[];
      secret: string[];
      secretsFile?: string;
      parallelism: number;
      json?: boolean;
      approve: string[];
    }) => {
      // The step runner starts first, so that it is ready by the time the pipeline is
      // loaded and compiled.
      const { createLocalStepExecutor } = await import('@slipway/executors/step-runner');
      const processes = createLocalStepExecutor({
        maxRunners: Math.min(options.parallelism, availableParallelism()),
      });
      processes.start();
      try {
        const { runCommand } = await import('./commands/run-command.js');
        process.exitCode = await runCommand({
          dir: repositoryDir(),
          pipeline: options.pipeline,
          params: parseAssignments(options.param, '--param'),
          only: options.only,
          secrets: parseAssignments(options.secret, '--secret', { secret: true }),
          secretsFile: options.secretsFile,
          parallelism: options.parallelism,
          json: options.json === true,
          approve: options.approve,
          processes,
        });
      } finally {
        await processes.close();
      }
    },
  );

noArguments(
  program.command('validate'),
  () => 'it checks every pipeline file of the repository; use -C DIR for another repository',
)
  .description('check every pipeline file of the repository')
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean }) => {
    const { validateCommand } = await import('./commands/validate-command.js');
    process.exitCode = await validateCommand(
      { dir: repositoryDir(), json: options.json === true },
      colorsFor(process.stderr, process.env),
    );
  });

noArguments(program.command('plan'), (word) => `to pick a pipeline, use --pipeline ${word}`)
  .description('print the compiled plan of a pipeline: tasks, order, and what was inferred')
  .option('-p, --pipeline <name>', 'pipeline to show (needed when there are several)')
  .option('--param <name=value>', 'set a parameter (repeatable)', collect, [])
  .option('--only <task>', 'show only this task and the tasks it needs (repeatable)', collect, [])
  .addOption(
    new Option('--format <format>', 'output format')
      .choices(Object.values(PlanFormat))
      .default(PlanFormat.Text),
  )
  .action(
    async (options: { pipeline?: string; param: string[]; only: string[]; format: PlanFormat }) => {
      const { planCommand } = await import('./commands/plan-command.js');
      process.exitCode = await planCommand({
        dir: repositoryDir(),
        pipeline: options.pipeline,
        params: parseAssignments(options.param, '--param'),
        only: options.only,
        format: options.format,
      });
    },
  );

program
  .command('up')
  .description(
    'start the Slipway server with an embedded agent (SQLite in the data folder by default)',
  )
  .option('--host <address>', 'address to listen on (default 127.0.0.1)')
  .option('--port <port>', 'port to listen on (default 7070; 0 picks a free one)')
  .option(
    '--data-dir <path>',
    'data folder (default $XDG_DATA_HOME/slipway or ~/.local/share/slipway)',
  )
  .option('--database <url>', 'postgres://… to use PostgreSQL instead of SQLite')
  .option('--public-url <url>', 'the URL people reach the server at; commit statuses link to it')
  .option(
    '--forge-allow-private-urls',
    'let forge API URLs point at loopback and private addresses (a forge on this network)',
  )
  .option('--config <file>', 'JSON config file (flags and SLIPWAY_* variables win over it)')
  .option('--no-agent', 'do not start the embedded agent')
  .option(
    '--agent-capacity <n>',
    'tasks the embedded agent runs at once',
    positiveInteger,
    availableParallelism(),
  )
  .option('--agent-labels <labels>', 'labels of the embedded agent, comma-separated', list, [])
  .option(
    '--agent-work-dir <path>',
    "folder for the embedded agent's checkouts, fetch cache and waiting output (default DATA_DIR/agent)",
  )
  .addOption(graceOption())
  .option('--demo', 'register the sample project examples/node-service and run its pipeline')
  .action(
    async (options: {
      host?: string;
      port?: string;
      dataDir?: string;
      database?: string;
      publicUrl?: string;
      forgeAllowPrivateUrls?: boolean;
      config?: string;
      agent: boolean;
      agentCapacity: number;
      agentLabels: string[];
      agentWorkDir?: string;
      grace: number;
      demo?: boolean;
    }) => {
      const { upCommand } = await import('./commands/up-command.js');
      process.exitCode = await upCommand({
        flags: {
          host: options.host,
          port: options.port,
          dataDir: options.dataDir,
          database: options.database,
          publicUrl: options.publicUrl,
          forgeAllowPrivateUrls: options.forgeAllowPrivateUrls,
          config: options.config,
        },
        agent: options.agent,
        agentCapacity: options.agentCapacity,
        agentLabels: options.agentLabels,
        ...(options.agentWorkDir !== undefined ? { agentWorkDir: options.agentWorkDir } : {}),
        graceMs: options.grace,
        demo: options.demo === true,
      });
    },
  );

program
  .command('agent')
  .description('claim tasks from a Slipway server and run them on this machine')
  .requiredOption('--server <url>', 'the server to claim work from')
  .option('--token <token>', 'agent token (default: $SLIPWAY_AGENT_TOKEN)')
  .option('--labels <labels>', 'labels this agent offers, comma-separated (runs-on)', list, [])
  .option('--capacity <n>', 'tasks run at once', positiveInteger, availableParallelism())
  .option('--work-dir <path>', 'folder for checkouts and the fetch cache')
  .option('--name <name>', 'name shown on the server (default: host name)')
  .addOption(graceOption())
  .option(
    '--heartbeat <seconds>',
    "how often leases are renewed; keep it under half the server's lease (default 10)",
    positiveSeconds,
  )
  .action(
    async (options: {
      server: string;
      token?: string;
      labels: string[];
      capacity: number;
      workDir?: string;
      name?: string;
      grace: number;
      heartbeat?: number;
    }) => {
      const { agentCommand } = await import('./commands/agent-command.js');
      process.exitCode = await agentCommand({
        server: options.server,
        token: options.token,
        labels: options.labels,
        capacity: options.capacity,
        workDir: options.workDir,
        name: options.name,
        graceMs: options.grace,
        heartbeatMs: options.heartbeat,
      });
    },
  );

const project = program.command('project').description('manage projects on a server');
withServer(
  project
    .command('add <name> <source>')
    .description('register a repository (Git URL or local path) as a project')
    .option('--branch <name>', 'default branch (default: the repository HEAD)'),
).action(async (name: string, source: string, options: ServerFlags & { branch?: string }) => {
  const { projectAddCommand } = await import('./commands/client/project-commands.js');
  process.exitCode = await projectAddCommand({
    ...serverOptions(options),
    name,
    source,
    branch: options.branch,
  });
});
withServer(
  project
    .command('default-branch <name> <branch>')
    .description(
      "change a project's default branch, which runs without a ref, schedules and the web UI's run form use (project admins)",
    ),
).action(async (name: string, branch: string, options: ServerFlags) => {
  const { projectDefaultBranchCommand } = await import('./commands/client/project-commands.js');
  process.exitCode = await projectDefaultBranchCommand({ ...serverOptions(options), name, branch });
});
withServer(project.command('list').description('list projects')).action(
  async (options: ServerFlags) => {
    const { projectListCommand } = await import('./commands/client/project-commands.js');
    process.exitCode = await projectListCommand(serverOptions(options));
  },
);

withServer(
  program
    .command('trigger')
    .argument('<project>', 'the project', nonEmpty('a project name'))
    .description("start a run of a project's pipeline on the server")
    .option('-p, --pipeline <name>', 'pipeline (needed when the project has several)')
    .option(
      '--ref <ref>',
      'branch, tag or commit (default: the default branch)',
      nonEmpty('a branch, tag or commit'),
    )
    .option('--param <name=value>', 'set a parameter (repeatable)', collect, [])
    .option('--wait', 'wait for the run to finish; the exit code follows its status'),
).action(
  async (
    name: string,
    options: ServerFlags & { pipeline?: string; ref?: string; param: string[]; wait?: boolean },
  ) => {
    const { triggerCommand } = await import('./commands/client/run-commands.js');
    process.exitCode = await triggerCommand({
      ...serverOptions(options),
      project: name,
      pipeline: options.pipeline,
      ref: options.ref,
      params: parseAssignments(options.param, '--param'),
      wait: options.wait === true,
    });
  },
);

withServer(
  project
    .command('webhook <name>')
    .description("set a project's webhook: the forge and its secret, read from standard input")
    .requiredOption('--forge <forge>', 'github, gitlab, gitea or generic')
    .option('--secret-stdin', 'read the secret from standard input (it is never printed)'),
).action(async (name: string, options: ServerFlags & { forge: string; secretStdin?: boolean }) => {
  const { projectWebhookCommand } = await import('./commands/client/trigger-commands.js');
  process.exitCode = await projectWebhookCommand({
    ...serverOptions(options),
    project: name,
    forge: options.forge,
    secretStdin: options.secretStdin === true,
  });
});

withServer(
  project
    .command('poll <name>')
    .description(
      "poll a project's repository for new branch and tag heads (for projects without webhooks), or show its polling",
    )
    .option('--every <duration>', 'poll at this interval, such as 5m (at least 10s)')
    .option('--off', 'stop polling')
    .option('--reset', 'close an open breaker (admins); the next poll takes the heads as they are'),
).action(
  async (
    name: string,
    options: ServerFlags & { every?: string; off?: boolean; reset?: boolean },
  ) => {
    const { projectPollCommand } = await import('./commands/client/poll-commands.js');
    process.exitCode = await projectPollCommand({
      ...serverOptions(options),
      project: name,
      every: options.every,
      off: options.off === true,
      reset: options.reset === true,
    });
  },
);

withServer(
  project
    .command('forge <name>')
    .description(
      "set where a project's runs report commit statuses and PR comments (the API token is read from standard input); without --repository, show it",
    )
    .option('--repository <repo>', 'owner/name (GitLab: group/name or the project id)')
    .option('--api-url <url>', "the forge's API URL; the hosted forge's by default")
    .option('--token-stdin', 'read the API token from standard input (it is never printed)')
    .option(
      '--user <login=user>',
      'map a forge login to a Slipway user for pull request commands (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    ),
).action(
  async (
    name: string,
    options: ServerFlags & {
      repository?: string;
      apiUrl?: string;
      tokenStdin?: boolean;
      user: string[];
    },
  ) => {
    const { projectForgeCommand } = await import('./commands/client/forge-commands.js');
    process.exitCode = await projectForgeCommand({
      ...serverOptions(options),
      project: name,
      repository: options.repository,
      apiUrl: options.apiUrl,
      tokenStdin: options.tokenStdin === true,
      users: options.user,
    });
  },
);

const chat = program.command('chat').description('chat integrations');
const slack = chat
  .command('slack')
  .description('Slack: the /slipway slash command and approval buttons (docs/triggers.md)');
withServer(
  slack
    .command('settings', { isDefault: true })
    .description(
      "show whether the Slack app's signing secret is set (server admins), or set it with --signing-secret-stdin",
    )
    .option(
      '--signing-secret-stdin',
      'read the signing secret from standard input (never printed)',
    ),
).action(async (options: ServerFlags & { signingSecretStdin?: boolean }) => {
  const { slackSettingsCommand } = await import('./commands/client/chat-commands.js');
  process.exitCode = await slackSettingsCommand({
    ...serverOptions(options),
    signingSecretStdin: options.signingSecretStdin === true,
  });
});
withServer(
  slack
    .command('map <slack-user-id>')
    .description(
      'map a Slack user (such as U024BE7LH) to a Slipway user, whose roles authorize them',
    )
    .requiredOption('--user <name>', 'the Slipway user'),
).action(async (slackUser: string, options: ServerFlags & { user: string }) => {
  const { slackMapCommand } = await import('./commands/client/chat-commands.js');
  process.exitCode = await slackMapCommand({
    ...serverOptions(options),
    slackUser,
    user: options.user,
  });
});
withServer(
  slack.command('unmap <slack-user-id>').description("remove a Slack user's mapping"),
).action(async (slackUser: string, options: ServerFlags) => {
  const { slackUnmapCommand } = await import('./commands/client/chat-commands.js');
  process.exitCode = await slackUnmapCommand({ ...serverOptions(options), slackUser });
});
withServer(slack.command('users').description('list the mapped Slack users')).action(
  async (options: ServerFlags) => {
    const { slackUsersCommand } = await import('./commands/client/chat-commands.js');
    process.exitCode = await slackUsersCommand(serverOptions(options));
  },
);
withServer(
  slack
    .command('channel <project>')
    .description(
      "set the Slack channel a project's approval requests go to (its incoming webhook URL on standard input), or show it",
    )
    .option(
      '--webhook-url-stdin',
      'read the incoming webhook URL from standard input (never printed)',
    )
    .option('--channel <name>', 'the channel, such as #deploys, for people to read')
    .option('--off', 'stop posting approval requests'),
).action(
  async (
    project: string,
    options: ServerFlags & { webhookUrlStdin?: boolean; channel?: string; off?: boolean },
  ) => {
    const { slackChannelCommand } = await import('./commands/client/chat-commands.js');
    process.exitCode = await slackChannelCommand({
      ...serverOptions(options),
      project,
      webhookUrlStdin: options.webhookUrlStdin === true,
      channel: options.channel,
      off: options.off === true,
    });
  },
);

withServer(
  project
    .command('auto-merge <name>')
    .description(
      "merge a project's pull requests by themselves once checks pass and a developer approves (project admins); without --on or --off, show it",
    )
    .option('--on', 'turn auto-merge on')
    .option('--off', 'turn auto-merge off')
    .option('--method <method>', 'merge, squash or rebase (GitLab: merge or squash)'),
).action(
  async (name: string, options: ServerFlags & { on?: boolean; off?: boolean; method?: string }) => {
    const { projectAutoMergeCommand } = await import('./commands/client/auto-merge-command.js');
    process.exitCode = await projectAutoMergeCommand({
      ...serverOptions(options),
      project: name,
      on: options.on === true,
      off: options.off === true,
      method: options.method,
    });
  },
);

const pr = program.command('pr').description('pull requests: what PR commands recorded');
withServer(
  pr
    .command('status')
    .argument('<project>', 'the project')
    .argument('<number>', 'the pull request number', positiveInteger)
    .description(
      'show what is recorded about a pull request: approved, held, lgtm, a wait for /ok-to-test, its checks, and whether it merges by itself and why not',
    ),
).action(async (projectName: string, number: number, options: ServerFlags) => {
  const { prStatusCommand } = await import('./commands/client/forge-commands.js');
  process.exitCode = await prStatusCommand({
    ...serverOptions(options),
    project: projectName,
    number,
  });
});

withServer(
  program
    .command('events <project>')
    .description("list a project's trigger events (webhook deliveries), newest first")
    .option('--status <status>', 'only pending, processed, ignored or failed events')
    .option('--limit <n>', `how many (at most ${MOST_PER_PAGE})`, pageSize, 20)
    .option('--before <id>', 'page on from this event id'),
).action(
  async (
    projectName: string,
    options: ServerFlags & { status?: string; limit: number; before?: string },
  ) => {
    const { eventsCommand } = await import('./commands/client/trigger-commands.js');
    process.exitCode = await eventsCommand({
      ...serverOptions(options),
      project: projectName,
      status: options.status,
      limit: options.limit,
      before: options.before,
    });
  },
);

const runs = program.command('runs').description('list and show runs on a server');
withServer(
  noArguments(
    runs.command('list', { isDefault: true }),
    (word) => `to show a run, use slipway runs show ${word}`,
  )
    .description('list runs, newest first')
    .option('--project <name>', 'only this project')
    .option('--status <status>', 'only runs with this status')
    .option('--limit <n>', `how many (at most ${MOST_PER_PAGE})`, pageSize, 20),
).action(async (options: ServerFlags & { project?: string; status?: string; limit: number }) => {
  const { runsListCommand } = await import('./commands/client/run-commands.js');
  process.exitCode = await runsListCommand({
    ...serverOptions(options),
    project: options.project,
    status: options.status,
    limit: options.limit,
  });
});
withServer(runs.command('show <run>').description('show a run and its tasks')).action(
  async (id: string, options: ServerFlags) => {
    const { runsShowCommand } = await import('./commands/client/run-commands.js');
    process.exitCode = await runsShowCommand({ ...serverOptions(options), id });
  },
);

withServer(
  program
    .command('logs <run> [task]')
    .description("print a run's logs, or one task's")
    .option('-f, --follow', 'keep printing new output until the tasks settle'),
).action(
  async (run: string, task: string | undefined, options: ServerFlags & { follow?: boolean }) => {
    const { logsCommand } = await import('./commands/client/logs-command.js');
    process.exitCode = await logsCommand({
      ...serverOptions(options),
      run,
      task,
      follow: options.follow === true,
    });
  },
);

withServer(
  program
    .command('cancel <run>')
    .description('cancel a run: running steps stop, finally tasks still run')
    .option('--kill', 'kill running steps at once and skip finally tasks'),
).action(async (id: string, options: ServerFlags & { kill?: boolean }) => {
  const { cancelCommand } = await import('./commands/client/run-commands.js');
  process.exitCode = await cancelCommand({
    ...serverOptions(options),
    id,
    kill: options.kill === true,
  });
});

withServer(
  program
    .command('approve <run> <task>')
    .description('approve an approval task that awaits a decision: the run goes on')
    .option('--comment <text>', 'why; later tasks read it as the comment result'),
).action(async (run: string, task: string, options: ServerFlags & { comment?: string }) => {
  const { approvalCommand } = await import('./commands/client/approval-commands.js');
  process.exitCode = await approvalCommand({
    ...serverOptions(options),
    run,
    task,
    decision: 'approve',
    comment: options.comment,
  });
});
withServer(
  program
    .command('reject <run> <task>')
    .description('reject an approval task that awaits a decision: the task fails')
    .requiredOption('--comment <text>', 'why it is rejected (required)'),
).action(async (run: string, task: string, options: ServerFlags & { comment: string }) => {
  const { approvalCommand } = await import('./commands/client/approval-commands.js');
  process.exitCode = await approvalCommand({
    ...serverOptions(options),
    run,
    task,
    decision: 'reject',
    comment: options.comment,
  });
});

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // A closed pipe (`slipway logs RUN | head`) ends the output, not the program with a trace.
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

withServer(
  program.command('rerun <run>').description('run the same commit and params again'),
).action(async (id: string, options: ServerFlags) => {
  const { againCommand } = await import('./commands/client/output-commands.js');
  process.exitCode = await againCommand({ ...serverOptions(options), id, onlyFailed: false });
});
withServer(
  program
    .command('retry <run>')
    .description(
      "run only the failed tasks again, keeping the others' results, reports and artifacts",
    ),
).action(async (id: string, options: ServerFlags) => {
  const { againCommand } = await import('./commands/client/output-commands.js');
  process.exitCode = await againCommand({ ...serverOptions(options), id, onlyFailed: true });
});
withServer(
  program
    .command('tests <run>')
    .description("a run's test results: totals per task and the failures")
    .option('--all', 'list passed and skipped cases too'),
).action(async (id: string, options: ServerFlags & { all?: boolean }) => {
  const { testsCommand } = await import('./commands/client/output-commands.js');
  process.exitCode = await testsCommand({
    ...serverOptions(options),
    id,
    all: options.all === true,
  });
});
withServer(
  program
    .command('artifacts <run>')
    .description("list a run's artifacts, or download them")
    .option('--download <folder>', 'save every artifact under this folder'),
).action(async (id: string, options: ServerFlags & { download?: string }) => {
  const { artifactsCommand } = await import('./commands/client/output-commands.js');
  process.exitCode = await artifactsCommand({
    ...serverOptions(options),
    id,
    download: options.download,
  });
});

const group = program
  .command('group')
  .description('groups of users (server admins): roles bound to group:NAME apply to members');
withServer(
  group.command('add-member <group> <user>').description('make a user a member of a group'),
).action(async (name: string, user: string, options: ServerFlags) => {
  const { groupAddMemberCommand } = await import('./commands/client/group-commands.js');
  process.exitCode = await groupAddMemberCommand({ ...serverOptions(options), group: name, user });
});
withServer(
  group.command('remove-member <group> <user>').description('take a user out of a group'),
).action(async (name: string, user: string, options: ServerFlags) => {
  const { groupRemoveMemberCommand } = await import('./commands/client/group-commands.js');
  process.exitCode = await groupRemoveMemberCommand({
    ...serverOptions(options),
    group: name,
    user,
  });
});
withServer(group.command('list').description('list the groups and their sizes')).action(
  async (options: ServerFlags) => {
    const { groupListCommand } = await import('./commands/client/group-commands.js');
    process.exitCode = await groupListCommand(serverOptions(options));
  },
);
withServer(group.command('show <group>').description("list a group's members")).action(
  async (name: string, options: ServerFlags) => {
    const { groupShowCommand } = await import('./commands/client/group-commands.js');
    process.exitCode = await groupShowCommand({ ...serverOptions(options), group: name });
  },
);

const role = program
  .command('role')
  .description("manage a project's role bindings on a server (project admins)");
withServer(
  role
    .command('set <project> <user> <role>')
    .description(
      'give a user, or every member of a group as group:NAME, a role: viewer, developer or admin',
    ),
).action(async (name: string, subject: string, given: string, options: ServerFlags) => {
  const { roleSetCommand } = await import('./commands/client/role-commands.js');
  process.exitCode = await roleSetCommand({
    ...serverOptions(options),
    project: name,
    subject,
    role: given,
  });
});
withServer(role.command('list <project>').description("list a project's role bindings")).action(
  async (name: string, options: ServerFlags) => {
    const { roleListCommand } = await import('./commands/client/role-commands.js');
    process.exitCode = await roleListCommand({ ...serverOptions(options), project: name });
  },
);
withServer(
  role
    .command('remove <project> <user>')
    .description("take a user's (or a group:NAME's) role in a project away"),
).action(async (name: string, subject: string, options: ServerFlags) => {
  const { roleRemoveCommand } = await import('./commands/client/role-commands.js');
  process.exitCode = await roleRemoveCommand({ ...serverOptions(options), project: name, subject });
});

const secret = program.command('secret').description("manage a project's secrets on a server");
withServer(
  secret
    .command('set <project> <name>')
    .description('set a secret; the value is read from standard input')
    .option('--value <value>', 'the value (visible in shell history; prefer standard input)'),
).action(async (projectName: string, name: string, options: ServerFlags & { value?: string }) => {
  const { secretSetCommand } = await import('./commands/client/secret-commands.js');
  process.exitCode = await secretSetCommand({
    ...serverOptions(options),
    project: projectName,
    name,
    value: options.value,
  });
});
withServer(secret.command('list <project>').description('list secret names')).action(
  async (projectName: string, options: ServerFlags) => {
    const { secretListCommand } = await import('./commands/client/secret-commands.js');
    process.exitCode = await secretListCommand({ ...serverOptions(options), project: projectName });
  },
);
withServer(secret.command('delete <project> <name>').description('delete a secret')).action(
  async (projectName: string, name: string, options: ServerFlags) => {
    const { secretDeleteCommand } = await import('./commands/client/secret-commands.js');
    process.exitCode = await secretDeleteCommand({
      ...serverOptions(options),
      project: projectName,
      name,
    });
  },
);

program.helpCommand(false);
program
  .command('help [command]')
  .description('show what a command takes')
  .action((name: string | undefined) => {
    if (name === undefined) {
      program.help();
      return;
    }
    const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (command === undefined) {
      program.error(`error: unknown command '${name}': \`slipway help\` lists the commands`, {
        exitCode: ExitCode.ConfigOrUsage,
        code: 'commander.unknownCommand',
      });
      return;
    }
    command.help();
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

/** Prints an error the way its kind deserves and returns the exit code. */
function reportError(error: unknown): ExitCode {
  const colors = colorsFor(process.stderr, process.env);
  if (error instanceof ConfigError) {
    for (const d of error.diagnostics) {
      process.stderr.write(`${colors.red('error')} ${formatDiagnostic(d)}\n`);
    }
    return ExitCode.ConfigOrUsage;
  }
  if (isUserError(error)) {
    process.stderr.write(`${colors.red('error')} ${error.message}\n`);
    return exitCodeForUserError(error.kind);
  }
  if (isCommanderExit(error)) {
    return error.exitCode === 0 ? ExitCode.Succeeded : ExitCode.ConfigOrUsage;
  }
  process.stderr.write(
    `${colors.red('internal error')} — this is a bug in Slipway; please report it with the output below.\n` +
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.Internal;
}

function isCommanderExit(error: unknown): error is { exitCode: number; code: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    String(error.code).startsWith('commander.')
  );
}
