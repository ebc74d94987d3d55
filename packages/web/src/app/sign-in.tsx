import { useState, type SyntheticEvent } from 'react';
import { SlipwayClient, type CallerAccess } from '@slipway/api';
import { ErrorNote } from '../ui/error-note.js';

/** The sign-in form: checks the token with the server before keeping it. */
export function SignIn({
  onSignedIn,
}: {
  readonly onSignedIn: (token: string, access: CallerAccess, remember: boolean) => void;
}) {
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const given = token.trim();
      const access = await new SlipwayClient({
        baseUrl: window.location.origin,
        token: given,
      }).getAccess();
      onSignedIn(given, access, remember);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>Sign in to Slipway</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="token">Token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          required
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
          }}
        />
        <p className="hint">
          <code>slipway up</code> prints the first admin token when it first starts; admins make
          more tokens on the Admin page.
        </p>
        <label className="check">
          <input
            type="checkbox"
            checked={remember}
            onChange={(e) => {
              setRemember(e.target.checked);
            }}
          />
          Remember on this device
        </label>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
