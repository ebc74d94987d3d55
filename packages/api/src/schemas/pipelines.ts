import { z } from 'zod';
import { Timestamp } from './common.js';

const paramBase = {
  name: z.string(),
  description: z.string().nullable(),
};

/** A run param a pipeline declares: its type, default (null for none: required) and help. */
export const PipelineParam = z.discriminatedUnion('type', [
  z.object({ ...paramBase, type: z.literal('string'), default: z.string().nullable() }),
  z.object({ ...paramBase, type: z.literal('number'), default: z.number().nullable() }),
  z.object({ ...paramBase, type: z.literal('boolean'), default: z.boolean().nullable() }),
  z.object({
    ...paramBase,
    type: z.literal('enum'),
    values: z.array(z.string()).describe('The allowed values.'),
    default: z.string().nullable(),
  }),
]);
export type PipelineParam = z.infer<typeof PipelineParam>;

/** A pipeline of a project's default branch and the params a run of it takes. */
export const PipelineInfo = z.object({
  name: z.string(),
  params: z.array(PipelineParam).describe('In the order the pipeline file declares them.'),
});
export type PipelineInfo = z.infer<typeof PipelineInfo>;

/**
 * The pipelines at the head of a project's default branch. When they cannot be read,
 * `problem` says why and `pipelines` holds what was read last (possibly nothing).
 */
export const PipelineList = z.object({
  branch: z.string(),
  commit: z.string().nullable().describe('The commit the pipelines were read at.'),
  readAt: Timestamp.nullable(),
  pipelines: z.array(PipelineInfo),
  problem: z.string().nullable().describe('Why the pipelines could not be read now.'),
});
export type PipelineList = z.infer<typeof PipelineList>;
