import { sign } from '@octokit/webhooks-methods';

/** Options of {@link deliverGitHub}. */
export interface GitHubDeliveryOptions {
  /** Signs the body with this secret. */
  readonly secret: string;
  /** The project whose webhook receives it (`shop` by default). */
  readonly project?: string;
  /** The delivery id (a random UUID by default). */
  readonly delivery?: string;
  /** Sent instead of the signature of the body. */
  readonly signature?: string;
}

/** Posts `payload` as a GitHub `event` delivery, signed over the raw body, to a project's webhook. */
export async function deliverGitHub(
  base: string,
  event: string,
  payload: unknown,
  options: GitHubDeliveryOptions,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${base}/api/projects/${options.project ?? 'shop'}/hooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.delivery ?? crypto.randomUUID(),
      'x-hub-signature-256': options.signature ?? (await sign(options.secret, body)),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
