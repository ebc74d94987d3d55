import { useState } from 'react';
import type { Artifact } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { ErrorNote } from '../ui/error-note.js';
import { formatBytes } from '../ui/format.js';

/**
 * A run's artifacts. Downloads go through the API with the caller's token (a plain link
 * would carry none), then are saved under the file's name.
 */
export function ArtifactList({
  runId,
  artifacts,
}: {
  readonly runId: string;
  readonly artifacts: readonly Artifact[];
}) {
  const { client } = useSigned();
  const [error, setError] = useState<unknown>(undefined);
  if (artifacts.length === 0) return <p className="empty">No artifacts.</p>;

  const download = async (artifact: Artifact) => {
    setError(undefined);
    try {
      const response = await client.downloadArtifact(runId, artifact.taskId, artifact.path);
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = artifact.path.split('/').at(-1) ?? 'artifact';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => {
        URL.revokeObjectURL(url);
      }, 10_000);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <ErrorNote error={error} />
      <ul className="artifacts">
        {artifacts.map((artifact) => (
          <li key={`${artifact.taskId}/${artifact.path}`}>
            <button type="button" className="link" onClick={() => void download(artifact)}>
              {artifact.path}
            </button>{' '}
            <span className="meta">
              {artifact.taskId} · {formatBytes(artifact.size)}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
