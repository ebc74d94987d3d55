import type { Run, TriggerFacts } from '@slipway/api';
import { Link, paths } from '../app/router.js';
import { elapsed, formatTime, shortCommit } from '../ui/format.js';
import { refOf } from '../ui/run-table.js';

/** What started a run, in words. */
export function triggerLabel(trigger: TriggerFacts): string {
  switch (trigger.event) {
    case 'manual':
      return 'manual';
    case 'push':
      return 'push';
    case 'pull_request':
      return trigger.pr === undefined ? 'pull request' : `pull request #${trigger.pr}`;
    case 'cron':
      return 'schedule';
    case 'pipeline':
      return 'another pipeline finished';
    case 'api':
      return 'API or CLI';
  }
}

/** The commit's message: its first line, with the rest (if any) on demand. */
function CommitMessage({ message }: { readonly message: string }) {
  const [subject = '', ...rest] = message.split('\n');
  const body = rest.join('\n').trim();
  if (body === '') return <span className="commit-subject">{subject}</span>;
  return (
    <details className="commit-message">
      <summary className="commit-subject">{subject}</summary>
      <pre>{body}</pre>
    </details>
  );
}

/**
 * The facts of a run: its trigger (and the run it retries or reruns), actor, branch,
 * commit (short, linked to the forge when `commitUrl` is known) and its message, start
 * and duration, and whether it runs without secrets.
 */
export function RunFacts({
  run,
  commitUrl,
}: {
  readonly run: Run;
  /** Where the commit is shown at the project's forge; null without forge settings. */
  readonly commitUrl: string | null;
}) {
  const { trigger } = run;
  const short = shortCommit(trigger.commit);
  return (
    <dl className="facts">
      <dt>Trigger</dt>
      <dd>
        {triggerLabel(trigger)}
        {run.retryOf !== undefined && (
          <>
            {' '}
            (retry of <Link to={paths.run(run.retryOf)}>an earlier run</Link>)
          </>
        )}
        {run.rerunOf !== undefined && (
          <>
            {' '}
            (rerun of <Link to={paths.run(run.rerunOf)}>an earlier run</Link>)
          </>
        )}
      </dd>
      <dt>Actor</dt>
      <dd>{trigger.actor ?? '—'}</dd>
      <dt>Branch</dt>
      <dd>{refOf(run) || '—'}</dd>
      <dt>Commit</dt>
      <dd className="mono" title={trigger.commit}>
        {short === '' ? (
          '—'
        ) : commitUrl === null ? (
          short
        ) : (
          <a href={commitUrl} target="_blank" rel="noreferrer noopener">
            {short}
          </a>
        )}
      </dd>
      {trigger.message !== undefined && trigger.message.trim() !== '' && (
        <>
          <dt>Message</dt>
          <dd>
            <CommitMessage message={trigger.message.trim()} />
          </dd>
        </>
      )}
      {trigger.title !== undefined && (
        <>
          <dt>Pull request</dt>
          <dd>{trigger.title}</dd>
        </>
      )}
      <dt>Started</dt>
      <dd>{formatTime(run.startedAt ?? run.createdAt)}</dd>
      <dt>Duration</dt>
      <dd>{elapsed(run.startedAt, run.finishedAt) || '—'}</dd>
      {!run.trusted && (
        <>
          <dt>Secrets</dt>
          <dd>none (untrusted trigger)</dd>
        </>
      )}
    </dl>
  );
}
