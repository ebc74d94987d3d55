import type { PullRequestState as CorePullRequestState } from '@slipway/core';
import { z } from 'zod';
import { Timestamp } from './common.js';
import { covering } from './covering.js';
import { ProjectPath } from './projects.js';

export const ReportingForgeName = z.enum(['github', 'gitlab', 'gitea']);

export const MergeMethodName = z
  .enum(['merge', 'squash', 'rebase'])
  .describe('A merge commit, one squashed commit, or the commits rebased (not on GitLab).');

/** Turns auto-merge on (with a merge method) or off. */
export const PutAutoMergeRequest = z.strictObject({
  enabled: z.boolean().describe('True to merge ready pull requests by themselves.'),
  method: MergeMethodName.optional().describe(
    'How to merge; the current method, else merge, when absent.',
  ),
});
export type PutAutoMergeRequest = z.infer<typeof PutAutoMergeRequest>;

/** A project's auto-merge setting. */
export const AutoMergeSettings = z.object({
  enabled: z.boolean(),
  method: MergeMethodName.nullable().describe('Null when auto-merge is off.'),
});
export type AutoMergeSettings = z.infer<typeof AutoMergeSettings>;

export const PutForgeRequest = z.strictObject({
  apiUrl: z
    .string()
    .max(2000)
    .optional()
    .describe(
      "The forge's API base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: https://HOST/api/v4; Gitea: https://HOST/api/v1); the hosted forge's when absent.",
    ),
  repository: z
    .string()
    .min(1)
    .max(500)
    .regex(
      /^[^\s/]+(\/[^\s/]+)*$/,
      'give the repository as owner/name (GitLab: group/name or the project id)',
    )
    .describe('owner/name on GitHub and Gitea; the project path or id on GitLab.'),
  token: z
    .string()
    .min(1, 'give the API token on standard input')
    .max(4096)
    .describe('The API token statuses and comments are sent with; it is never returned.'),
  users: z
    .record(
      z
        .string()
        .min(1)
        .max(100)
        .regex(/^[\w.\-@]+$/, 'a forge login has letters, digits, . _ - @'),
      z.string().min(1).max(200),
    )
    .optional()
    .describe(
      'Forge login → Slipway user name: whose project role authorizes their pull request commands.',
    ),
});
export type PutForgeRequest = z.infer<typeof PutForgeRequest>;

/** What the API shows of a project's forge settings: never the token. */
export const ForgeSettings = z.object({
  forge: ReportingForgeName.describe("The project's webhook forge."),
  apiUrl: z.string(),
  repository: z.string(),
  users: z.record(z.string(), z.string()),
  autoMerge: MergeMethodName.nullable().describe(
    'How ready pull requests are merged; null when auto-merge is off.',
  ),
  updatedAt: Timestamp,
});
export type ForgeSettings = z.infer<typeof ForgeSettings>;

export const PullRequestPath = ProjectPath.extend({
  number: z.coerce.number().int().min(1).describe('The pull request (merge request) number.'),
});

export const PullRequestState = covering<CorePullRequestState>()(
  z
    .enum(['open', 'closed'])
    .describe("As the forge's last pull request event said (closed: merged or not)."),
);
export type PullRequestState = z.infer<typeof PullRequestState>;

/** A pull request of a project as recorded: open or closed, and its head. */
export const PullRequestSummary = z.object({
  number: z.number().int(),
  state: PullRequestState.nullable().describe(
    'Null when no pull request event telling it was received (only comments, say).',
  ),
  headCommit: z.string().nullable().describe('The head commit last seen.'),
  updatedAt: Timestamp,
});
export type PullRequestSummary = z.infer<typeof PullRequestSummary>;

export const PullRequestList = z.object({ pulls: z.array(PullRequestSummary) });
export type PullRequestList = z.infer<typeof PullRequestList>;

/** One check of a pull request's head commit: a pipeline's commit status. */
export const PullRequestCheck = z.object({
  context: z.string().describe('slipway/<pipeline>'),
  state: z.string().describe('pending, running, success, failure or error'),
  description: z.string(),
  runId: z.string().nullable().describe('The run; null for a pipeline its filters skipped.'),
});

/** What is recorded about a pull request: labels from PR commands and its checks. */
export const PullRequestStatus = z.object({
  number: z.number().int(),
  state: PullRequestState.nullable().describe(
    'Null when no pull request event telling it was received.',
  ),
  headCommit: z.string().nullable().describe('The head commit last seen.'),
  labels: z.object({
    approved: z.array(z.string()).describe('Users who commented /approve.'),
    held: z.array(z.string()).describe('Users who commented /hold (and not /hold cancel).'),
    lgtm: z.array(z.string()).describe('Users who commented /lgtm.'),
  }),
  waitingForOkToTest: z.boolean().describe("True when a fork's runs wait for /ok-to-test."),
  checks: z.array(PullRequestCheck),
  merge: z
    .object({
      state: z
        .enum(['off', 'blocked', 'ready', 'merging', 'merged', 'failed'])
        .describe(
          'off: auto-merge is off; blocked: see reasons; ready or merging: the merge is queued; merged; failed: see reasons.',
        ),
      reasons: z
        .array(z.string())
        .describe('Each unmet condition (or why merging failed), in plain words.'),
      method: MergeMethodName.nullable(),
      attempts: z.number().int().describe('Failed tries of the latest merge.'),
      lastError: z.string().nullable().describe('The last forge error of the latest merge.'),
    })
    .describe('Whether the pull request merges by itself, and why not.'),
});
export type PullRequestStatus = z.infer<typeof PullRequestStatus>;
