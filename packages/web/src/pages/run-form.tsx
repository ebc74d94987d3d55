import { useState, type SyntheticEvent } from 'react';
import type { ParamValue, Project } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { navigate, paths } from '../app/router.js';
import { ErrorNote } from '../ui/error-note.js';

/** `key=value` lines as run parameters; blank lines are skipped. */
export function parseParams(text: string): Record<string, ParamValue> | string {
  const params: Record<string, ParamValue> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return `line ${i + 1}: write each parameter as name=value`;
    params[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return params;
}

/**
 * Starts a run of a project: pipeline, ref and parameters (as `name=value` lines; the
 * pipeline's declared types decide how the server reads them).
 */
export function RunForm({
  project,
  pipelines,
}: {
  readonly project: Project;
  readonly pipelines: readonly string[];
}) {
  const { client } = useSigned();
  const [pipeline, setPipeline] = useState('');
  const [ref, setRef] = useState('');
  const [params, setParams] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    const parsed = parseParams(params);
    if (typeof parsed === 'string') {
      setError(new Error(parsed));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const run = await client.createRun(project.name, {
        ...(pipeline.trim() !== '' ? { pipeline: pipeline.trim() } : {}),
        ...(ref.trim() !== '' ? { ref: ref.trim() } : {}),
        ...(Object.keys(parsed).length > 0 ? { params: parsed } : {}),
      });
      navigate(paths.run(run.id));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <form className="run-form" onSubmit={(e) => void submit(e)} aria-labelledby="run-form-title">
      <h2 id="run-form-title">Run pipeline</h2>
      <div className="fields">
        <label>
          Pipeline
          <input
            name="pipeline"
            list="pipelines"
            placeholder="the only one"
            value={pipeline}
            onChange={(e) => {
              setPipeline(e.target.value);
            }}
          />
          <datalist id="pipelines">
            {pipelines.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </label>
        <label>
          Branch, tag or commit
          <input
            name="ref"
            placeholder={project.defaultBranch}
            value={ref}
            onChange={(e) => {
              setRef(e.target.value);
            }}
          />
        </label>
        <label className="grow">
          Parameters (name=value, one a line)
          <textarea
            name="params"
            rows={2}
            value={params}
            onChange={(e) => {
              setParams(e.target.value);
            }}
          />
        </label>
      </div>
      <ErrorNote error={error} />
      <button type="submit" disabled={busy}>
        {busy ? 'Starting…' : 'Run'}
      </button>
    </form>
  );
}
