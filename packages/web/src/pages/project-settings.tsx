import { useState, type ReactNode, type SyntheticEvent } from 'react';
import {
  isApiError,
  type ForgeName,
  type ForgeSettings,
  type AutoMergeSettings,
  type PollSettings,
  type Project,
  type ProjectRole,
  type ProjectSlack,
  type RoleBinding,
  type WebhookSettings,
} from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { mayAct } from '../app/permissions.js';
import { useLoad } from '../app/use-load.js';
import { ErrorNote } from '../ui/error-note.js';
import { formatTime, formatWhen } from '../ui/format.js';
import { TextField } from '../ui/text-field.js';

/** What one project has set; null where a setting was never made. */
interface Settings {
  readonly webhook: WebhookSettings | null;
  readonly forge: ForgeSettings | null;
  readonly poll: PollSettings | null;
  readonly slack: ProjectSlack | null;
  readonly roles: RoleBinding[];
}

const FORGES: readonly ForgeName[] = ['github', 'gitlab', 'gitea', 'generic'];
/** How a pull request is merged. */
type MergeMethodName = NonNullable<AutoMergeSettings['method']>;

const MERGE_METHODS: readonly MergeMethodName[] = ['merge', 'squash', 'rebase'];
const ROLES: readonly ProjectRole[] = ['viewer', 'developer', 'admin'];

/** The answer, or null when the server says the setting is not there (a 404). */
async function orNone<T>(answer: Promise<T>): Promise<T | null> {
  try {
    return await answer;
  } catch (error) {
    if (isApiError(error, 'not_found')) return null;
    throw error;
  }
}

/** `login=user` lines into a map; blank lines are skipped. */
export function parseUserLines(text: string): Record<string, string> {
  const users: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) throw new Error(`"${trimmed}": write each as forge-login=slipway-user`);
    users[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return users;
}

function Setting(props: { readonly id: string; readonly title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={props.id} className="setting">
      <h3 id={props.id}>{props.title}</h3>
      {props.children}
    </section>
  );
}

/**
 * The settings of one project, for its admins: default branch, webhook, forge (commit
 * statuses and comments), auto-merge, polling, Slack channel and role bindings. Each form saves through
 * its own route; the server checks the caller's role again.
 */
function OneProject({
  project,
  onProjectChanged,
}: {
  readonly project: Project;
  readonly onProjectChanged: () => void;
}) {
  const { client, access } = useSigned();
  const name = project.name;
  const settings = useLoad<Settings>(`settings:${project.id}`, async (signal) => {
    const [webhook, forge, poll, slack, roles] = await Promise.all([
      orNone(client.getProjectWebhook(name, { signal })),
      orNone(client.getProjectForge(name, { signal })),
      orNone(client.getProjectPoll(name, { signal })),
      orNone(client.getProjectSlack(name, { signal })),
      client.listRoles(name, { signal }),
    ]);
    return { webhook, forge, poll, slack, roles };
  });
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<string | null>(null);

  /** Runs a change, then shows what was saved (or why not) and reads the settings again. */
  const change = async (
    event: SyntheticEvent | null,
    what: string,
    act: () => Promise<unknown>,
  ) => {
    event?.preventDefault();
    setError(undefined);
    setSaved(null);
    try {
      await act();
      setSaved(what);
      settings.reload();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };

  const value = settings.value;
  return (
    <div className="project-settings">
      <ErrorNote error={settings.error ?? error} />
      {saved !== null && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      <Setting id="setting-repository" title="Repository">
        <dl className="facts">
          <dt>Source</dt>
          <dd>
            <code>{project.source}</code>
          </dd>
          <dt>Default branch</dt>
          <dd>
            <code>{project.defaultBranch}</code>
          </dd>
        </dl>
        <DefaultBranchForm
          key={project.defaultBranch}
          branch={project.defaultBranch}
          onSave={(e, branch) =>
            change(e, `Default branch is now ${branch}.`, async () => {
              await client.putProjectDefaultBranch(name, branch);
              onProjectChanged();
            })
          }
        />
      </Setting>
      {value === undefined ? (
        settings.error === undefined && <p className="loading">Loading…</p>
      ) : (
        <>
          <WebhookForm
            webhook={value.webhook}
            onSave={(e, body) =>
              change(e, 'Webhook saved.', () => client.putProjectWebhook(name, body))
            }
          />
          <ForgeForm
            key={`forge:${String(value.forge?.updatedAt ?? 0)}`}
            forge={value.forge}
            hasWebhook={value.webhook !== null && value.webhook.forge !== 'generic'}
            onSave={(e, body) =>
              change(e, 'Forge settings saved.', () => client.putProjectForge(name, body))
            }
          />
          <AutoMergeForm
            key={`merge:${String(value.forge?.updatedAt ?? 0)}`}
            forge={value.forge}
            onSave={(e, body) =>
              change(e, 'Auto-merge saved.', () => client.putProjectAutoMerge(name, body))
            }
          />
          <PollForm
            poll={value.poll}
            mayReset={access.admin}
            onSave={(e, intervalSeconds) =>
              change(e, 'Polling saved.', () => client.putProjectPoll(name, { intervalSeconds }))
            }
            onStop={() => change(null, 'Polling stopped.', () => client.deleteProjectPoll(name))}
            onReset={() =>
              change(null, 'Poll breaker closed.', () => client.resetProjectPoll(name))
            }
          />
          <SlackForm
            slack={value.slack}
            onSave={(e, body) =>
              change(e, 'Slack channel saved.', () => client.putProjectSlack(name, body))
            }
            onRemove={() =>
              change(null, 'Slack channel removed.', () => client.deleteProjectSlack(name))
            }
          />
          <RolesForm
            roles={value.roles}
            onSet={(e, user, role) =>
              change(e, `${user} is now ${role}.`, () => client.setRole(name, user, role))
            }
            onRemove={(user) =>
              change(null, `${user}'s role removed.`, () => client.deleteRole(name, user))
            }
          />
        </>
      )}
    </div>
  );
}

type Save<T> = (event: SyntheticEvent, body: T) => Promise<boolean>;

function DefaultBranchForm(props: { readonly branch: string; readonly onSave: Save<string> }) {
  const [branch, setBranch] = useState(props.branch);
  return (
    <form
      className="inline-form"
      aria-label="Default branch"
      onSubmit={(e) => void props.onSave(e, branch.trim())}
    >
      <TextField label="Default branch" required value={branch} onChange={setBranch} />
      <button type="submit">Change default branch</button>
    </form>
  );
}

function WebhookForm(props: {
  readonly webhook: WebhookSettings | null;
  readonly onSave: Save<{ forge: ForgeName; secret: string }>;
}) {
  const [forge, setForge] = useState<ForgeName>(props.webhook?.forge ?? 'github');
  const [secret, setSecret] = useState('');
  const { webhook } = props;
  return (
    <Setting id="setting-webhook" title="Webhook">
      {webhook === null ? (
        <p className="empty">No webhook: pushes and pull requests start no runs.</p>
      ) : (
        <p>
          <strong>{webhook.forge}</strong> posts to <code>{webhook.path}</code>{' '}
          <span className="meta">(updated {formatTime(webhook.updatedAt)})</span>
        </p>
      )}
      <form
        className="inline-form"
        aria-label="Webhook"
        onSubmit={(e) =>
          void props.onSave(e, { forge, secret }).then((ok) => {
            if (ok) setSecret('');
          })
        }
      >
        <label>
          Forge
          <select
            value={forge}
            onChange={(e) => {
              setForge(e.target.value as ForgeName);
            }}
          >
            {FORGES.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <TextField
          label="Secret"
          required
          minLength={16}
          secret
          value={secret}
          onChange={setSecret}
        />
        <button type="submit">{webhook === null ? 'Set webhook' : 'Replace webhook'}</button>
      </form>
    </Setting>
  );
}

function ForgeForm(props: {
  readonly forge: ForgeSettings | null;
  readonly hasWebhook: boolean;
  readonly onSave: Save<{
    apiUrl?: string;
    repository: string;
    token: string;
    users: Record<string, string>;
  }>;
}) {
  const { forge } = props;
  const [apiUrl, setApiUrl] = useState(forge?.apiUrl ?? '');
  const [repository, setRepository] = useState(forge?.repository ?? '');
  const [token, setToken] = useState('');
  const [users, setUsers] = useState(
    Object.entries(forge?.users ?? {})
      .map(([login, user]) => `${login}=${user}`)
      .join('\n'),
  );
  const [problem, setProblem] = useState<string | null>(null);

  const save = (event: SyntheticEvent) => {
    event.preventDefault();
    let parsed: Record<string, string>;
    try {
      parsed = parseUserLines(users);
      setProblem(null);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
      return;
    }
    const trimmed = apiUrl.trim();
    void props
      .onSave(event, {
        ...(trimmed === '' ? {} : { apiUrl: trimmed }),
        repository: repository.trim(),
        token,
        users: parsed,
      })
      .then((ok) => {
        if (ok) setToken('');
      });
  };

  return (
    <Setting id="setting-forge" title="Commit statuses and comments">
      {forge === null ? (
        <p className="empty">
          Runs report to no forge.
          {!props.hasWebhook && ' Set a GitHub, GitLab or Gitea webhook first.'}
        </p>
      ) : (
        <p>
          Runs report to <strong>{forge.repository}</strong> on {forge.forge} (
          <code>{forge.apiUrl}</code>){' '}
          <span className="meta">(updated {formatTime(forge.updatedAt)})</span>
        </p>
      )}
      {props.hasWebhook && (
        <form className="stack-form" aria-label="Forge" onSubmit={save}>
          <TextField
            label="API URL"
            hint="(the hosted forge's when empty)"
            value={apiUrl}
            onChange={setApiUrl}
          />
          <TextField
            label="Repository"
            required
            placeholder="owner/name"
            value={repository}
            onChange={setRepository}
          />
          <TextField
            label="API token"
            hint="(never shown again; give it with every change)"
            required
            secret
            value={token}
            onChange={setToken}
          />
          <TextField
            label="Forge users"
            hint="(forge-login=slipway-user, one a line)"
            rows={3}
            value={users}
            onChange={setUsers}
            error={problem}
            errorId="forge-users-problem"
          />
          <button type="submit">Save forge settings</button>
        </form>
      )}
    </Setting>
  );
}

function AutoMergeForm(props: {
  readonly forge: ForgeSettings | null;
  readonly onSave: Save<{ enabled: boolean; method: MergeMethodName }>;
}) {
  const { forge } = props;
  const [enabled, setEnabled] = useState(forge?.autoMerge != null);
  const [method, setMethod] = useState<MergeMethodName>(forge?.autoMerge ?? 'merge');
  return (
    <Setting id="setting-auto-merge" title="Auto-merge">
      <p>
        {forge?.autoMerge != null
          ? `On: ready pull requests merge by themselves (${forge.autoMerge}).`
          : 'Off: pull requests are merged by people.'}
      </p>
      {forge === null ? (
        <p className="hint">Auto-merge needs the forge settings above.</p>
      ) : (
        <form
          className="inline-form"
          aria-label="Auto-merge"
          onSubmit={(e) => void props.onSave(e, { enabled, method })}
        >
          <label className="check">
            <input
              type="checkbox"
              checked={enabled}
              onChange={(e) => {
                setEnabled(e.target.checked);
              }}
            />
            Merge ready pull requests by themselves
          </label>
          <label>
            Method
            <select
              value={method}
              disabled={!enabled}
              onChange={(e) => {
                setMethod(e.target.value as MergeMethodName);
              }}
            >
              {MERGE_METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <button type="submit">Save auto-merge</button>
        </form>
      )}
    </Setting>
  );
}

function PollForm(props: {
  readonly poll: PollSettings | null;
  readonly mayReset: boolean;
  readonly onSave: Save<number>;
  readonly onStop: () => Promise<boolean>;
  readonly onReset: () => Promise<boolean>;
}) {
  const { poll } = props;
  const [seconds, setSeconds] = useState(String(poll?.intervalSeconds ?? 300));
  return (
    <Setting id="setting-poll" title="Polling">
      {poll === null ? (
        <p className="empty">Not polled: new commits are noticed by the webhook only.</p>
      ) : (
        <>
          <p>
            Polled every {poll.intervalSeconds} s; last poll{' '}
            {poll.lastPolledAt === null ? 'not yet' : formatWhen(poll.lastPolledAt)}
            {poll.heads !== null && `, ${String(poll.heads)} heads`}.
          </p>
          {poll.breaker === 'open' && (
            <p className="error">
              Breaker open since {formatTime(poll.breakerOpenedAt ?? 0)}: {poll.breakerReason}
              {props.mayReset ? '' : ' (an admin may reset it)'}
            </p>
          )}
          {poll.lastError !== null && <p className="meta">Last error: {poll.lastError}</p>}
        </>
      )}
      <form
        className="inline-form"
        aria-label="Polling"
        onSubmit={(e) => void props.onSave(e, Number(seconds))}
      >
        <TextField
          label="Interval (seconds)"
          required
          type="number"
          min={10}
          value={seconds}
          onChange={setSeconds}
        />
        <button type="submit">{poll === null ? 'Start polling' : 'Save interval'}</button>
        {poll !== null && (
          <button type="button" className="danger" onClick={() => void props.onStop()}>
            Stop polling
          </button>
        )}
        {poll?.breaker === 'open' && props.mayReset && (
          <button type="button" className="secondary" onClick={() => void props.onReset()}>
            Reset breaker
          </button>
        )}
      </form>
    </Setting>
  );
}

function SlackForm(props: {
  readonly slack: ProjectSlack | null;
  readonly onSave: Save<{ webhookUrl: string; channel?: string }>;
  readonly onRemove: () => Promise<boolean>;
}) {
  const { slack } = props;
  const [webhookUrl, setWebhookUrl] = useState('');
  const [channel, setChannel] = useState(slack?.channel ?? '');
  return (
    <Setting id="setting-slack" title="Slack channel">
      {slack === null ? (
        <p className="empty">None: approval requests are not posted to Slack.</p>
      ) : (
        <p>
          Approval requests are posted to <strong>{slack.channel ?? 'its incoming webhook'}</strong>{' '}
          <span className="meta">(updated {formatTime(slack.updatedAt)})</span>
        </p>
      )}
      <form
        className="inline-form"
        aria-label="Slack channel"
        onSubmit={(e) => {
          const named = channel.trim();
          void props
            .onSave(e, {
              webhookUrl: webhookUrl.trim(),
              ...(named === '' ? {} : { channel: named }),
            })
            .then((ok) => {
              if (ok) setWebhookUrl('');
            });
        }}
      >
        <TextField
          label="Incoming webhook URL"
          required
          secret
          placeholder="https://hooks.slack.com/services/…"
          value={webhookUrl}
          onChange={setWebhookUrl}
        />
        <TextField label="Channel" placeholder="#deploys" value={channel} onChange={setChannel} />
        <button type="submit">{slack === null ? 'Set channel' : 'Replace channel'}</button>
        {slack !== null && (
          <button type="button" className="danger" onClick={() => void props.onRemove()}>
            Remove channel
          </button>
        )}
      </form>
    </Setting>
  );
}

function RolesForm(props: {
  readonly roles: readonly RoleBinding[];
  readonly onSet: (event: SyntheticEvent, user: string, role: ProjectRole) => Promise<boolean>;
  readonly onRemove: (user: string) => Promise<boolean>;
}) {
  const [user, setUser] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  return (
    <Setting id="setting-roles" title="Roles">
      {props.roles.length === 0 ? (
        <p className="empty">No one has a role here; admins may do everything.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Role bindings</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col" className="wide">
                  Since
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.roles.map((binding) => (
                <tr key={binding.user}>
                  <td>{binding.user}</td>
                  <td>{binding.role}</td>
                  <td className="wide">{formatTime(binding.updatedAt)}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => void props.onRemove(binding.user)}
                    >
                      Remove<span className="visually-hidden"> {binding.user}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form
        className="inline-form"
        aria-label="Give a role"
        onSubmit={(e) =>
          void props.onSet(e, user.trim(), role).then((ok) => {
            if (ok) setUser('');
          })
        }
      >
        <TextField label="User" required value={user} onChange={setUser} />
        <label>
          Role
          <select
            value={role}
            onChange={(e) => {
              setRole(e.target.value as ProjectRole);
            }}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit">Give role</button>
      </form>
    </Setting>
  );
}

/** The projects the caller administers, with their settings; nothing for the others. */
export function ProjectSettings() {
  const { client, access } = useSigned();
  const projects = useLoad('projects', (signal) => client.listProjects({ signal }));
  const mine = (projects.value ?? []).filter((p) => mayAct(access, p.id, 'admin'));
  const [chosen, setChosen] = useState('');
  const project = mine.find((p) => p.name === chosen) ?? mine[0];
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Project settings</h2>
      <ErrorNote error={projects.error} />
      {projects.value !== undefined && mine.length === 0 && (
        <p className="empty">You administer no project.</p>
      )}
      {mine.length > 0 && (
        <label className="project-picker">
          Project{' '}
          <select
            value={project?.name ?? ''}
            onChange={(e) => {
              setChosen(e.target.value);
            }}
          >
            {mine.map((p) => (
              <option key={p.id} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {project !== undefined && (
        <OneProject key={project.id} project={project} onProjectChanged={projects.reload} />
      )}
    </section>
  );
}
