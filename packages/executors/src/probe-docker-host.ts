import { DockerApiClient, engineMessage } from './docker-api-client.js';
import type { DockerHost } from './docker-host.js';

/** Whether a container engine answers at a {@link DockerHost}, and which version it is. */
export type DockerHostProbe =
  { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

/**
 * Asks the engine at `host` for `/_ping` and `/version`. Never throws: an engine that is
 * missing, slow or not a Docker API gives `ok: false` and the reason.
 */
export async function probeDockerHost(
  host: DockerHost,
  timeoutMs = 2000,
): Promise<DockerHostProbe> {
  const api = new DockerApiClient(host);
  try {
    const ping = await api.send({ method: 'GET', path: '/_ping', timeoutMs });
    if (ping.status !== 200) {
      return { ok: false, reason: `/_ping answered ${ping.status}: ${engineMessage(ping.body)}` };
    }
    const about = await api.json<{ Version?: unknown }>({
      method: 'GET',
      path: '/version',
      timeoutMs,
    });
    return { ok: true, version: typeof about.Version === 'string' ? about.Version : 'unknown' };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    api.close();
  }
}
