import type { ControlStore, Forge } from '@slipway/core';
import type { SecretBox } from '../secrets/secret-box.js';

/** The name a webhook secret is sealed under (it binds the ciphertext to its use). */
const SEALED_AS = 'webhook';

/** A project's webhook settings as the server uses them. */
export interface WebhookSecret {
  readonly forge: Forge;
  readonly secret: string;
}

/**
 * A project's webhook forge and secret, the secret sealed with the server's secret box
 * (AES-256-GCM, bound to the project), so the database never holds it in the clear.
 */
export class WebhookSecrets {
  /** The last secret opened per project, with the sealed text it came from. */
  private readonly opened = new Map<string, { readonly sealed: string; readonly secret: string }>();

  constructor(
    private readonly store: ControlStore,
    private readonly box: SecretBox,
    private readonly now: () => number,
  ) {}

  /** Stores the forge and secret of a project, replacing what it had; returns the time. */
  async put(projectId: string, forge: Forge, secret: string): Promise<number> {
    const updatedAt = this.now();
    await this.store.putProjectWebhook({
      projectId,
      forge,
      sealedSecret: this.box.seal(secret, projectId, SEALED_AS),
      updatedAt,
    });
    return updatedAt;
  }

  /**
   * The forge and secret of a project; null when none were set. Throws a `UserError`
   * when the secret was sealed with another server key. The stored settings are read
   * every time (another replica may have replaced them); the secret is decrypted again
   * only when its sealed text changed.
   */
  async open(projectId: string): Promise<WebhookSecret | null> {
    const stored = await this.store.findProjectWebhook(projectId);
    if (stored === null) return null;
    const known = this.opened.get(projectId);
    if (known?.sealed === stored.sealedSecret) return { forge: stored.forge, secret: known.secret };
    const secret = this.box.open(stored.sealedSecret, projectId, SEALED_AS);
    if (this.opened.size >= 10_000) this.opened.clear();
    this.opened.set(projectId, { sealed: stored.sealedSecret, secret });
    return { forge: stored.forge, secret };
  }
}
