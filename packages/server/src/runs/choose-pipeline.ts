import { ErrorCode } from '@slipway/api';
import { ConfigError, didYouMean, type LoadedPipelines, type PipelineSource } from '@slipway/core';
import { HttpError } from '../http/http-error.js';

/** The pipeline a run request names, or the repository's only one. */
export function choosePipeline(loaded: LoadedPipelines, name: string | undefined): PipelineSource {
  const chosen =
    name === undefined
      ? loaded.pipelines.length === 1
        ? loaded.pipelines[0]
        : undefined
      : loaded.pipelines.find((p) => p.name === name);
  if (chosen) return chosen;
  if (loaded.diagnostics.length > 0) throw new ConfigError(loaded.diagnostics);
  const names = loaded.pipelines.map((p) => p.name);
  const message =
    name === undefined
      ? `this repository has ${names.length} pipelines (${names.join(', ')}): choose one with "pipeline"`
      : `no pipeline "${name}"${didYouMean(name, names)}; pipelines here: ${names.join(', ')}`;
  throw new HttpError(ErrorCode.InvalidRequest, message, [
    { in: 'body', path: 'pipeline', message },
  ]);
}
