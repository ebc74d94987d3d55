import { DockerApiError, engineMessage, type DockerApiClient } from './docker-api-client.js';

/** What the image-create endpoint needs: the repository and, unless pinned by digest, a tag. */
export interface ImagePullReference {
  readonly fromImage: string;
  readonly tag?: string;
}

/**
 * Splits `registry:5000/team/app:1.2` into repository and tag. An untagged name means
 * `latest` (asking the engine for a repository without a tag would pull every tag); a
 * name pinned by digest is passed whole.
 */
export function splitImageReference(image: string): ImagePullReference {
  if (image.includes('@')) return { fromImage: image };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) {
    return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  }
  return { fromImage: image, tag: 'latest' };
}

/** The image name as a path segment of the API: slashes stay, everything else is escaped. */
export function imagePath(image: string): string {
  return image.split('/').map(encodeURIComponent).join('/');
}

/**
 * Makes sure `image` is present on the engine, pulling it when it is not. Resolves to
 * `undefined` when the image is there, or to the reason it could not be found or pulled.
 */
export async function ensureDockerImage(
  api: DockerApiClient,
  image: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const inspect = { method: 'GET', path: `/images/${imagePath(image)}/json`, signal } as const;
  const present = await api.send(inspect);
  if (present.status === 200) return undefined;
  if (present.status !== 404) {
    return new DockerApiError('GET', inspect.path, present.status, engineMessage(present.body))
      .message;
  }
  const pull = await api.send({
    method: 'POST',
    path: '/images/create',
    query: { ...splitImageReference(image) },
    signal,
  });
  if (pull.status !== 200) return engineMessage(pull.body);
  // The pull answers 200 and then reports progress, and any failure, as JSON lines.
  const failure = pullFailure(pull.body.toString('utf8'));
  if (failure !== undefined) return failure;
  const pulled = await api.send(inspect);
  return pulled.status === 200 ? undefined : engineMessage(pulled.body);
}

function pullFailure(progress: string): string | undefined {
  for (const line of progress.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      const event = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
      const message = event.errorDetail?.message ?? event.error;
      if (typeof message === 'string' && message !== '') return message;
      if (message !== undefined) return JSON.stringify(message);
    } catch {
      // A progress line split oddly; only error lines matter.
    }
  }
  return undefined;
}
