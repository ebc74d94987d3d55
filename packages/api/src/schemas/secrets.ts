import { z } from 'zod';
import { Timestamp } from './common.js';
import { ProjectPath } from './projects.js';

/** Longest secret value, in UTF-16 code units. */
export const SECRET_VALUE_MAX_LENGTH = 256 * 1024;

/** Variables a step's own shell and programs depend on: a secret must not replace them. */
const STEP_ENVIRONMENT = new Set([
  'PATH',
  'HOME',
  'SHELL',
  'PWD',
  'IFS',
  'ENV',
  'BASH_ENV',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
]);

/**
 * An environment variable name: letters, digits and `_`, not starting with a digit, not
 * starting with `SLIPWAY_` (in any case), which names Slipway's own variables, and not
 * one of the variables a step's shell depends on (`PATH`, `HOME` and the like).
 */
export const SecretName = z
  .string()
  .max(200)
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'use an environment variable name: letters, digits and "_", not starting with a digit',
  )
  .refine((name) => !name.toUpperCase().startsWith('SLIPWAY_'), {
    error: 'names starting with SLIPWAY_ are reserved',
  })
  .refine((name) => !STEP_ENVIRONMENT.has(name), {
    error: `a secret may not replace a variable steps depend on (${[...STEP_ENVIRONMENT].join(', ')}): choose another name`,
  });

export const PutSecretRequest = z.strictObject({
  value: z
    .string()
    .min(1)
    .max(SECRET_VALUE_MAX_LENGTH)
    .refine((value) => !value.includes('\0'), {
      error:
        'a secret value cannot hold a NUL byte: steps get it as an environment variable, which cannot carry one',
    })
    .describe('The secret value; it is never returned by any route.'),
});
export type PutSecretRequest = z.infer<typeof PutSecretRequest>;

/** What the API shows of a secret: never its value. */
export const SecretInfo = z.object({
  name: z.string(),
  updatedAt: Timestamp,
});
export type SecretInfo = z.infer<typeof SecretInfo>;

export const SecretList = z.object({ secrets: z.array(SecretInfo) });
export type SecretList = z.infer<typeof SecretList>;

export const SecretPath = ProjectPath.extend({ name: SecretName });
