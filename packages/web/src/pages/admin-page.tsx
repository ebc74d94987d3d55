import { useState, type SyntheticEvent } from 'react';
import type { CallerAccess, CreatedToken } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { mayAct } from '../app/permissions.js';
import { useLoad } from '../app/use-load.js';
import { ErrorNote } from '../ui/error-note.js';
import { formatTime, formatWhen } from '../ui/format.js';
import { TextField } from '../ui/text-field.js';
import { ProjectSettings } from './project-settings.js';

function Agents() {
  const { client } = useSigned();
  const agents = useLoad('agents', (signal) => client.listAgents({ signal }), { pollMs: 5000 });
  return (
    <section aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      <p className="hint">Those this server process has heard from since it started.</p>
      <ErrorNote error={agents.error} />
      {agents.value?.length === 0 && <p className="empty">No agent yet.</p>}
      {agents.value !== undefined && agents.value.length > 0 && (
        <div className="table-wrap">
          <table className="agents">
            <caption className="visually-hidden">Agents</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Labels</th>
                <th scope="col">Capacity</th>
                <th scope="col" className="wide">
                  Registered
                </th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {agents.value.map((a) => (
                <tr key={a.id}>
                  <td title={a.id}>{a.name}</td>
                  <td>{a.labels.join(', ') || '—'}</td>
                  <td>{a.capacity}</td>
                  <td className="wide">{formatTime(a.registeredAt)}</td>
                  <td>{formatWhen(a.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Tokens() {
  const { client } = useSigned();
  const tokens = useLoad('tokens', (signal) => client.listTokens({ signal }));
  const [name, setName] = useState('');
  const [user, setUser] = useState('');
  const [admin, setAdmin] = useState(false);
  const [made, setMade] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const create = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setMade(await client.createToken({ name, user, admin }));
      setName('');
      setUser('');
      setAdmin(false);
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  };
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await client.deleteToken(id);
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      <ErrorNote error={tokens.error ?? error} />
      {made !== null && (
        <p className="notice" role="status">
          Token for {made.user}, shown only this once: <code className="secret">{made.token}</code>
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">User</th>
              <th scope="col">Kind</th>
              <th scope="col" className="wide">
                Last used
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(tokens.value ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.user}</td>
                <td>{t.admin ? 'admin' : t.kind}</td>
                <td className="wide">
                  {t.lastUsedAt === null ? 'never' : formatTime(t.lastUsedAt)}
                </td>
                <td>
                  <button type="button" className="danger" onClick={() => void revoke(t.id)}>
                    Revoke<span className="visually-hidden"> {t.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="inline-form" onSubmit={(e) => void create(e)} aria-label="New token">
        <TextField label="Name" required value={name} onChange={setName} />
        <TextField label="User" required value={user} onChange={setUser} />
        <label className="check">
          <input
            type="checkbox"
            checked={admin}
            onChange={(e) => {
              setAdmin(e.target.checked);
            }}
          />
          Admin
        </label>
        <button type="submit">Make token</button>
      </form>
    </section>
  );
}

function Secrets() {
  const { client, access } = useSigned();
  const projects = useLoad('projects', (signal) => client.listProjects({ signal }));
  const mine = (projects.value ?? []).filter((p) => mayAct(access, p.id, 'admin'));
  const [project, setProject] = useState('');
  const chosen = project !== '' ? project : (mine[0]?.name ?? '');
  const secrets = useLoad(`secrets:${chosen}`, (signal) =>
    chosen === '' ? Promise.resolve([]) : client.listSecrets(chosen, { signal }),
  );
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(undefined);

  const put = async (event: SyntheticEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await client.putSecret(chosen, name, value);
      setName('');
      setValue('');
      secrets.reload();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (secret: string) => {
    setError(undefined);
    try {
      await client.deleteSecret(chosen, secret);
      secrets.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <label>
        Project{' '}
        <select
          value={chosen}
          onChange={(e) => {
            setProject(e.target.value);
          }}
        >
          {mine.map((p) => (
            <option key={p.id} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={projects.error ?? secrets.error ?? error} />
      <ul className="secrets">
        {(secrets.value ?? []).map((s) => (
          <li key={s.name}>
            <code>{s.name}</code> <span className="meta">updated {formatTime(s.updatedAt)}</span>{' '}
            <button type="button" className="danger" onClick={() => void remove(s.name)}>
              Delete<span className="visually-hidden"> {s.name}</span>
            </button>
          </li>
        ))}
      </ul>
      {chosen !== '' && (
        <form className="inline-form" onSubmit={(e) => void put(e)} aria-label="Set a secret">
          <TextField label="Name" required value={name} onChange={setName} />
          <TextField label="Value" required secret value={value} onChange={setValue} />
          <button type="submit">Set secret</button>
        </form>
      )}
    </section>
  );
}

/** Whether the caller may open the admin page: an admin, or an admin of some project. */
export function mayAdminister(access: CallerAccess): boolean {
  return access.admin || access.roles.some((r) => r.role === 'admin');
}

/**
 * Tokens and agents for admins; the secrets and settings of the projects the caller
 * administers for project admins too.
 */
export function AdminPage() {
  const { access } = useSigned();
  if (!mayAdminister(access)) {
    return <p>Only admins, and admins of a project, may see this page.</p>;
  }
  if (!access.admin) {
    return (
      <>
        <h1>Admin</h1>
        <Secrets />
        <ProjectSettings />
      </>
    );
  }
  return (
    <>
      <h1>Admin</h1>
      <Tokens />
      <Secrets />
      <ProjectSettings />
      <Agents />
    </>
  );
}
