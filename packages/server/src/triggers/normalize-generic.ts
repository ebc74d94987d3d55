import { TriggerEvent, TriggerKind } from '@slipway/core';
import { z } from 'zod';
import { defined, type NormalizeResult } from './normalized-trigger.js';

const Commit = z.string().regex(/^[0-9a-f]{7,64}$/i, 'expected a commit id');
const Paths = z.array(z.string().min(1)).max(10_000);

const GenericPush = z
  .looseObject({
    branch: z.string().min(1).optional(),
    tag: z.string().min(1).optional(),
    commit: Commit,
    before: Commit.optional(),
    changedPaths: Paths.optional(),
    message: z.string().optional(),
    actor: z.string().optional(),
  })
  .refine((p) => (p.branch === undefined) !== (p.tag === undefined), {
    error: 'give exactly one of branch and tag',
  });

const GenericPullRequest = z.looseObject({
  action: z.string().min(1),
  number: z.number().int().positive(),
  title: z.string(),
  branch: z.string().min(1),
  base: z.string().min(1),
  commit: Commit,
  fork: z.boolean().default(true),
  changedPaths: Paths.optional(),
  actor: z.string().optional(),
});

/**
 * Reads a delivery in Slipway's own format (`X-Slipway-Event` is `kind`), for senders
 * that are not a known forge: `push` (`branch` or `tag`, `commit`, optional `before`,
 * `changedPaths`, `message`, `actor`) and `pull_request` (`action`, `number`, `title`,
 * `branch`, `base`, `commit`, `fork` — true unless given — and optional `changedPaths`).
 */
export function normalizeGeneric(kind: string, payload: unknown): NormalizeResult {
  switch (kind) {
    case 'push': {
      const push = GenericPush.parse(payload);
      return {
        trigger: {
          candidate: {
            kind: push.tag !== undefined ? TriggerKind.Tag : TriggerKind.Push,
            branch: push.branch,
            tag: push.tag,
            changedPaths: push.changedPaths ?? null,
          },
          facts: defined({
            event: TriggerEvent.Push,
            branch: push.branch,
            tag: push.tag,
            commit: push.commit,
            message: push.message,
            actor: push.actor,
          }),
          diffBase: push.changedPaths === undefined ? (push.before ?? null) : null,
          untrusted: false,
        },
      };
    }
    case 'pull_request': {
      const pr = GenericPullRequest.parse(payload);
      return {
        trigger: {
          candidate: {
            kind: TriggerKind.PullRequest,
            action: pr.action,
            branch: pr.branch,
            baseBranch: pr.base,
            changedPaths: pr.changedPaths ?? null,
          },
          facts: defined({
            event: TriggerEvent.PullRequest,
            branch: pr.branch,
            base: pr.base,
            pr: pr.number,
            title: pr.title,
            commit: pr.commit,
            actor: pr.actor,
          }),
          diffBase: pr.changedPaths === undefined ? `refs/heads/${pr.base}` : null,
          untrusted: pr.fork,
        },
      };
    }
    default:
      return { ignored: `${kind} events start no runs; send push or pull_request` };
  }
}
