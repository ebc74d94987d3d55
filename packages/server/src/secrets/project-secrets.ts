import type { ControlStore, SecretInfo } from '@slipway/core';
import type { SecretBox } from './secret-box.js';

/**
 * Project secrets over the store: values are encrypted before they are stored and
 * decrypted only to be handed to an attempt or to mask logs. Listeners hear of every
 * change, so caches of secret values can be refreshed.
 */
export class ProjectSecrets {
  private readonly listeners = new Set<(projectId: string) => void>();

  constructor(
    private readonly store: ControlStore,
    private readonly box: SecretBox,
    private readonly now: () => number,
  ) {}

  /** Calls `listener` with the project id after a secret was set or deleted in this process. */
  onChange(listener: (projectId: string) => void): void {
    this.listeners.add(listener);
  }

  async put(projectId: string, name: string, value: string): Promise<SecretInfo> {
    const info = await this.store.putSecret({
      projectId,
      name,
      ciphertext: this.box.seal(value, projectId, name),
      updatedAt: this.now(),
    });
    this.changed(projectId);
    return info;
  }

  list(projectId: string): Promise<SecretInfo[]> {
    return this.store.listSecrets(projectId);
  }

  /** False when the project has no secret of that name. */
  async delete(projectId: string, name: string): Promise<boolean> {
    const deleted = await this.store.deleteSecret(projectId, name);
    if (deleted) this.changed(projectId);
    return deleted;
  }

  /** The project's secret values by name, decrypted. */
  async values(projectId: string): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    for (const secret of await this.store.readSecrets(projectId)) {
      values[secret.name] = this.box.open(secret.ciphertext, projectId, secret.name);
    }
    return values;
  }

  private changed(projectId: string): void {
    for (const listener of this.listeners) listener(projectId);
  }
}
