import { join } from 'node:path';
import { isUserError, UserError, UserErrorKind, type ControlStore } from '@slipway/core';
import { SECRET_KEY_FILE, type SecretKeySource } from './load-secret-key.js';
import type { SecretBox } from './secret-box.js';

/**
 * Checks at start-up that the server's key decrypts what the store holds: the secrets
 * stored first and last. A server started with another key (a new key file after the
 * data folder was lost, a replica given a different `SLIPWAY_SECRET_KEY`) refuses to
 * start with a {@link UserError} that says so, instead of failing every run that needs a
 * secret later. With no secret stored there is nothing to check.
 */
export async function verifySecretKey(
  store: ControlStore,
  box: SecretBox,
  source: SecretKeySource,
): Promise<void> {
  for (const secret of await store.secretSamples()) {
    try {
      box.open(secret.ciphertext, secret.projectId, secret.name);
    } catch (error) {
      if (!isUserError(error)) throw error;
      const project = (await store.findProject(secret.projectId))?.name ?? secret.projectId;
      throw new UserError(
        UserErrorKind.Environment,
        `the secret key (${keyOrigin(source)}) cannot decrypt the secrets in the database ` +
          `(such as ${secret.name} of project ${project}): they were stored with another key. ` +
          'Start the server with the key they were stored with; every server sharing a ' +
          'database needs the same key. The server does not start with another key, since ' +
          'every run that needs a secret would fail.',
      );
    }
  }
}

function keyOrigin(source: SecretKeySource): string {
  if (source.secretKey !== undefined) return 'SLIPWAY_SECRET_KEY';
  return `the key file ${source.secretKeyFile ?? join(source.dataDir, SECRET_KEY_FILE)}`;
}
