import { useState, type SyntheticEvent } from 'react';
import type { CreateRunRequest, ParamValue, PipelineList, Project } from '@slipway/api';
import { useSigned } from '../app/api-context.js';
import { navigate, paths } from '../app/router.js';
import { useLoad } from '../app/use-load.js';
import { ErrorNote, errorText } from '../ui/error-note.js';
import { shortCommit } from '../ui/format.js';
import { ParamField } from './param-field.js';
import { checkParams, initialValues, type FieldValue } from './param-values.js';

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
 * Starts a run of a project: loads the pipelines of its default branch with their params
 * and shows {@link RunFormView}; a started run opens its page.
 */
export function RunForm({
  project,
  knownPipelines,
}: {
  readonly project: Project;
  /** Pipelines seen in the project's runs, offered when its pipelines cannot be read. */
  readonly knownPipelines: readonly string[];
}) {
  const { client } = useSigned();
  const list = useLoad(`pipelines-of:${project.name}`, (signal) =>
    client.listPipelines(project.name, { signal }),
  );
  return (
    <RunFormView
      project={project}
      list={list.value}
      listError={list.error}
      knownPipelines={knownPipelines}
      start={async (request) => {
        const run = await client.createRun(project.name, request);
        navigate(paths.run(run.id));
      }}
    />
  );
}

/**
 * The run form: a pipeline (a select when there are several), a ref, and one field per
 * param of the chosen pipeline, filled with its defaults and checked against its type
 * before anything is sent (the server checks again). When the pipelines cannot be read,
 * it says why and takes params as `name=value` lines instead.
 */
export function RunFormView({
  project,
  list,
  listError,
  knownPipelines,
  start,
}: {
  readonly project: Project;
  /** The pipelines of the default branch; undefined while loading or after an error. */
  readonly list: PipelineList | undefined;
  readonly listError: unknown;
  readonly knownPipelines: readonly string[];
  readonly start: (request: CreateRunRequest) => Promise<void>;
}) {
  const [chosen, setChosen] = useState<string | null>(null);
  const [ref, setRef] = useState('');
  const [edits, setEdits] = useState<Record<string, Record<string, FieldValue>>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [freePipeline, setFreePipeline] = useState('');
  const [freeParams, setFreeParams] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const pipelines = list?.pipelines ?? [];
  const typed = pipelines.length > 0;
  const loading = list === undefined && (listError === undefined || listError === null);
  const current = pipelines.find((p) => p.name === chosen) ?? pipelines[0];
  const values = current ? { ...initialValues(current.params), ...edits[current.name] } : {};

  const send = async (request: CreateRunRequest) => {
    setBusy(true);
    setError(undefined);
    try {
      await start({ ...request, ...(ref.trim() !== '' ? { ref: ref.trim() } : {}) });
    } catch (e) {
      setError(e);
    }
    setBusy(false);
  };

  const submit = async (event: SyntheticEvent) => {
    event.preventDefault();
    if (current !== undefined) {
      const checked = checkParams(current.params, values);
      if (!checked.ok) {
        setFieldErrors(checked.errors);
        const count = Object.keys(checked.errors).length;
        setError(
          new Error(`${count === 1 ? 'A parameter needs' : `${count} parameters need`} a fix.`),
        );
        const first = current.params.find((p) => checked.errors[p.name] !== undefined);
        if (first !== undefined) document.getElementById(`param-${first.name}`)?.focus();
        return;
      }
      setFieldErrors({});
      await send({
        pipeline: current.name,
        ...(Object.keys(checked.values).length > 0 ? { params: checked.values } : {}),
      });
      return;
    }
    const parsed = parseParams(freeParams);
    if (typeof parsed === 'string') {
      setError(new Error(parsed));
      return;
    }
    await send({
      ...(freePipeline.trim() !== '' ? { pipeline: freePipeline.trim() } : {}),
      ...(Object.keys(parsed).length > 0 ? { params: parsed } : {}),
    });
  };

  const setField = (name: string, value: FieldValue) => {
    if (current === undefined) return;
    setEdits((all) => ({ ...all, [current.name]: { ...all[current.name], [name]: value } }));
    setFieldErrors(({ [name]: _fixed, ...rest }) => rest);
  };

  const why =
    list?.problem ?? (listError !== undefined && listError !== null ? errorText(listError) : null);

  return (
    <form
      className="run-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      aria-labelledby="run-form-title"
    >
      <h2 id="run-form-title">Run pipeline</h2>
      <div className="fields">
        {typed && pipelines.length > 1 && (
          // A label apart from its select: one around it would add the chosen option to
          // the select's accessible name.
          <div className="param-field">
            <label htmlFor="run-pipeline">Pipeline</label>
            <select
              id="run-pipeline"
              name="pipeline"
              value={current?.name ?? ''}
              onChange={(e) => {
                setChosen(e.target.value);
                setFieldErrors({});
              }}
            >
              {pipelines.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {typed && pipelines.length === 1 && (
          <p className="meta">
            Pipeline <code>{current?.name}</code>
          </p>
        )}
        {!typed && !loading && (
          <label>
            Pipeline
            <input
              name="pipeline"
              list="pipelines"
              placeholder="the only one"
              value={freePipeline}
              onChange={(e) => {
                setFreePipeline(e.target.value);
              }}
            />
            <datalist id="pipelines">
              {knownPipelines.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
          </label>
        )}
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
      </div>
      {loading && <p className="loading">Reading the pipelines of {project.defaultBranch}…</p>}
      {current !== undefined && (
        <fieldset className="params">
          <legend>Parameters</legend>
          {current.params.length === 0 ? (
            <p className="hint">This pipeline takes no parameters.</p>
          ) : (
            <>
              <p className="hint">
                As declared on {list?.branch}
                {list?.commit ? ` at ${shortCommit(list.commit)}` : ''}; a run of another ref is
                checked against that ref&apos;s pipeline.
              </p>
              {current.params.map((param) => (
                <ParamField
                  key={`${current.name}/${param.name}`}
                  param={param}
                  value={values[param.name] ?? ''}
                  error={fieldErrors[param.name]}
                  onChange={(value) => {
                    setField(param.name, value);
                  }}
                />
              ))}
            </>
          )}
        </fieldset>
      )}
      {!typed && !loading && (
        <>
          <p className="hint">
            The pipelines cannot be listed with their parameters
            {why !== null ? `: ${why}` : ''}. Give parameters as name=value lines; the server checks
            them against the pipeline.
          </p>
          <label className="grow">
            Parameters (name=value, one a line)
            <textarea
              name="params"
              rows={2}
              value={freeParams}
              onChange={(e) => {
                setFreeParams(e.target.value);
              }}
            />
          </label>
        </>
      )}
      {typed && why !== null && <p className="hint">Showing what was read last: {why}</p>}
      <ErrorNote error={error} />
      <button type="submit" disabled={busy || loading}>
        {busy ? 'Starting…' : 'Run'}
      </button>
    </form>
  );
}
