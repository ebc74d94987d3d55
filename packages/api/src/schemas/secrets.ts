import { z } from 'zod';
import { Timestamp } from './common.js';
import { ProjectPath } from './projects.js';

/** Longest secret value, in UTF-16 code units. */
export const SECRET_VALUE_MAX_LENGTH = 256 * 1024;

/**
 * An environment variable name: letters, digits and `_`, not starting with a digit, and
 * not starting with `SLIPWAY_` (in any case), which names Slipway's own variables.
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
